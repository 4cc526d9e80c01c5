from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from tanto.accounts.models import Workspace
from tanto.catalog.models import Product, TaxRate, Variant
from tanto.core.forms import finite_decimals

MAX_VARIANTS = 50


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "type", "category"]


class VariantForm(forms.ModelForm):
    class Meta:
        model = Variant
        fields = ["sku", "name", "sales_price", "purchase_price"]
        labels = {"name": "Variant name", "sales_price": "Sales price", "purchase_price": "Purchase price"}


class BaseVariantFormSet(BaseInlineFormSet):
    """Variants of one product; SKUs must be unique across the whole workspace."""

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        self.workspace = workspace
        super().__init__(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        kept = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            kept += 1
            sku = (form.cleaned_data.get("sku") or "").strip()
            if not sku:
                continue  # the field itself reports what is wrong
            form.cleaned_data["sku"] = sku
            if sku.lower() in seen:
                form.add_error("sku", "This SKU is used twice on this product.")
            seen.add(sku.lower())
            clash = Variant.objects.filter(workspace=self.workspace, sku__iexact=sku)
            if form.instance.pk:
                clash = clash.exclude(pk=form.instance.pk)
            if clash.exists():
                form.add_error("sku", "Another item already uses this SKU.")
        if kept == 0:
            raise forms.ValidationError("Add at least one variant with a SKU.")


VariantFormSet = inlineformset_factory(
    Product,
    Variant,
    form=VariantForm,
    formfield_callback=finite_decimals,  # rows are compared before they are cleaned
    formset=BaseVariantFormSet,
    extra=2,
    can_delete=False,
    # A posted TOTAL_FORMS is user input: cap it, or a forged number makes us build thousands of forms.
    max_num=MAX_VARIANTS,
    absolute_max=MAX_VARIANTS,
    validate_max=True,
)


class TaxRateForm(forms.ModelForm):
    class Meta:
        model = TaxRate
        fields = ["name", "rate", "is_default_sales", "is_default_purchases"]
