"""Form behaviour common to sales and purchase orders: header validation and the rows formset."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.forms import BaseInlineFormSet

from tanto.accounts.models import Workspace
from tanto.catalog.models import TaxRate, Variant
from tanto.core.documents import OrderDocument
from tanto.core.forms import unique_in_workspace

# A posted TOTAL_FORMS is user input: formsets are capped, or a forged number builds thousands of forms.
MAX_ROWS = 100
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderHeaderForm(forms.ModelForm):
    """Number (unique per workspace, next free one suggested), dates, currency and conversion rate."""

    contact_field = ""
    contact_queryset_model: Any = None

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        model: type[OrderDocument] = self._meta.model
        if not self.instance.pk:
            # A new instance's empty values are in self.initial already; fill in sensible ones.
            suggested = {
                "number": model.next_number(workspace),
                "created_date": datetime.date.today(),
                "currency": workspace.base_currency,
            }
            for name, value in suggested.items():
                if not self.initial.get(name):
                    self.initial[name] = value
        contact = self.fields[self.contact_field]
        contact.queryset = self.contact_queryset_model.objects.filter(workspace=workspace)
        contact.error_messages["required"] = f"Choose a {self.contact_field}."
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DATE_INPUT
            if name.endswith("tax_rate"):
                field.queryset = active_tax_rates(workspace)

    def clean_number(self) -> str:
        number = self.cleaned_data["number"].strip()
        unique_in_workspace(
            self._meta.model.objects.filter(workspace=self.workspace),
            "number__iexact",
            number,
            self.instance,
            "Another order already has this number.",
        )
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("currency") == self.workspace.base_currency:
            data["conversion_rate"] = Decimal(1)
        return data


def active_tax_rates(workspace: Workspace) -> Any:
    return TaxRate.objects.filter(workspace=workspace, archived=False)


class OrderRowForm(forms.ModelForm):
    """A row; an empty price takes the variant's default price for this kind of order."""

    price_field = ""  # sales_price / purchase_price

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("price") is None and data.get("variant") is not None:
            data["price"] = getattr(data["variant"], self.price_field)
        return data


class OrderRowFormSet(BaseInlineFormSet):
    """The rows of an order. Rows already delivered or received in part keep their variant, cannot be
    removed, and cannot drop below what has been moved."""

    done_field = ""  # delivered_quantity / received_quantity
    default_tax_flag = ""  # is_default_sales / is_default_purchases

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        self.workspace = workspace
        super().__init__(*args, **kwargs)
        variants = Variant.objects.filter(workspace=workspace).select_related("product")
        rates = active_tax_rates(workspace)
        default_rate = rates.filter(**{self.default_tax_flag: True}).first()
        for form in self.forms:
            form.fields["variant"].queryset = variants
            form.fields["variant"].error_messages["required"] = "Choose an item."
            form.fields["tax_rate"].queryset = rates
            form.fields["price"].required = False
            if not form.instance.pk and default_rate:
                form.initial.setdefault("tax_rate", default_rate.pk)

    def clean(self) -> None:
        super().clean()
        kept = 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data:
                continue
            done = getattr(form.instance, self.done_field, Decimal(0)) if form.instance.pk else Decimal(0)
            if data.get("DELETE"):
                if done:
                    form.add_error(None, "This row has been moved in part and cannot be removed.")
                continue
            kept += 1
            if done and data.get("quantity") is not None and data["quantity"] < done:
                form.add_error("quantity", f"At least {done.normalize():f} has already been moved.")
            if done and "variant" in form.changed_data:
                form.add_error("variant", "The item of a row that has been moved in part cannot change.")
        if kept == 0:
            raise forms.ValidationError("Add at least one row.")


def parse_decimal(value: str | None) -> Decimal | None:
    """Lenient parsing for live previews of unsaved forms: anything unreadable counts as empty."""
    if value is None or not str(value).strip():
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None
