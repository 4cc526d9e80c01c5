"""Step 3 (companies outside the US): Tax types mapping — every Tanto tax rate to a QuickBooks tax code.

QuickBooks outside the US needs a tax code on every line; a Tanto rate without a mapping would make every
push fail, so Done is refused until all are mapped. New Tanto rates can be created right here.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tanto.accounts.models import Workspace
from tanto.catalog.models import TaxRate
from tanto.integrations.base import SetupPipeline, SetupStep
from tanto.integrations.quickbooks.models import QuickBooksConnection, TaxMapping
from tanto.integrations.quickbooks.setup.common import (
    Row,
    advance,
    read_from_quickbooks,
    render_step,
    step_url,
)

NO_TAX_NAME = "No tax"


class TaxCodeOption:
    """A QuickBooks tax code with the rates it applies on sales and on purchases."""

    def __init__(self, code: Row, rates: dict[str, Decimal]) -> None:
        self.id = str(code["Id"])
        self.name = str(code.get("Name", ""))
        self.sales = self._rate(code.get("SalesTaxRateList"), rates)
        self.purchases = self._rate(code.get("PurchaseTaxRateList"), rates)

    @staticmethod
    def _rate(rate_list: Any, rates: dict[str, Decimal]) -> Decimal | None:
        details = (rate_list or {}).get("TaxRateDetail") or []
        found = [rates.get(str((d.get("TaxRateRef") or {}).get("value"))) for d in details]
        known = [r for r in found if r is not None]
        return sum(known, Decimal(0)) if known else None

    @property
    def label(self) -> str:
        def show(rate: Decimal | None) -> str:
            return f"{rate.normalize():f}%" if rate is not None else "none"

        return f"{self.name} (sales {show(self.sales)}, purchases {show(self.purchases)})"


def tax_code_options(codes: list[Row], rates: list[Row]) -> list[TaxCodeOption]:
    by_id: dict[str, Decimal] = {}
    for rate in rates:
        try:
            by_id[str(rate["Id"])] = Decimal(str(rate.get("RateValue", 0)))
        except (InvalidOperation, KeyError):
            continue
    usable = [c for c in codes if c.get("Active", True) and not c.get("Hidden", False)]
    return [TaxCodeOption(code, by_id) for code in usable]


def likely_code(rate: Decimal, options: list[TaxCodeOption]) -> TaxCodeOption | None:
    """The code whose sales rate equals the Tanto rate, preferring one whose purchase rate does too."""
    matches = [o for o in options if o.sales is not None and o.sales == rate]
    both = [o for o in matches if o.purchases == rate]
    best = both or matches
    return best[0] if best else None


def active_rates(workspace: Workspace) -> list[TaxRate]:
    return list(TaxRate.objects.filter(workspace=workspace, archived=False).order_by("rate", "name"))


def ensure_no_tax_rate(conn: QuickBooksConnection, options: list[TaxCodeOption]) -> None:
    """A 0 % rate must exist (and be mapped) so untaxed lines have a code to go with."""
    if TaxRate.objects.filter(workspace_id=conn.workspace_id, archived=False, rate=0).exists():
        return
    with transaction.atomic():
        rate = TaxRate.objects.create(workspace_id=conn.workspace_id, name=NO_TAX_NAME, rate=Decimal(0))
        match = likely_code(Decimal(0), options)
        if match:
            TaxMapping.objects.create(
                connection=conn, tax_rate=rate, tax_code_id=match.id, tax_code_name=match.name
            )


class NewTaxRateForm(forms.Form):
    new_rate_name = forms.CharField(label="New tax rate name", max_length=100, required=False)
    new_rate_percent = forms.DecimalField(
        label="New tax rate %", max_digits=7, decimal_places=4, min_value=0, max_value=100, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("new_rate_name"):
            self.add_error("new_rate_name", "Give the new tax rate a name.")
        if data.get("new_rate_percent") is None and "new_rate_percent" not in self.errors:
            self.add_error("new_rate_percent", "Enter the rate in percent, e.g. 20.")
        return data


class TaxMappingForm(forms.Form):
    def __init__(
        self, data: Any, *, rates: list[TaxRate], options: list[TaxCodeOption], mapped: dict[int, str]
    ) -> None:
        super().__init__(data)
        self.rates = rates
        self.options = {o.id: o for o in options}
        choices = [("", "Choose a QuickBooks tax code")] + [(o.id, o.label) for o in options]
        for rate in rates:
            guess = likely_code(rate.rate, options)
            self.fields[self.field_name(rate)] = forms.ChoiceField(
                label=str(rate),
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"data-required": ""}),
                initial=mapped.get(rate.pk) or (guess.id if guess else ""),
            )

    @staticmethod
    def field_name(rate: TaxRate) -> str:
        return f"rate_{rate.pk}"

    def rows(self) -> list[tuple[TaxRate, forms.BoundField]]:
        return [(rate, self[self.field_name(rate)]) for rate in self.rates]

    def chosen(self) -> dict[TaxRate, TaxCodeOption]:
        data = self.cleaned_data
        return {r: self.options[data[self.field_name(r)]] for r in self.rates if data.get(self.field_name(r))}

    def require_all(self) -> bool:
        for rate in self.rates:
            if not self.cleaned_data.get(self.field_name(rate)):
                self.add_error(self.field_name(rate), f"Map {rate.name} to a QuickBooks tax code.")
        return not self.errors


def save_mappings(conn: QuickBooksConnection, chosen: dict[TaxRate, TaxCodeOption]) -> None:
    with transaction.atomic():
        for rate, option in chosen.items():
            TaxMapping.objects.update_or_create(
                connection=conn,
                tax_rate=rate,
                defaults={"tax_code_id": option.id, "tax_code_name": option.name},
            )


class TaxStep(SetupStep):
    key = "tax"
    title = "Tax types mapping"

    def applies_to(self, connection: QuickBooksConnection) -> bool:
        return not connection.is_us

    def is_complete(self, connection: QuickBooksConnection) -> bool:
        mapped = set(TaxMapping.objects.filter(connection=connection).values_list("tax_rate_id", flat=True))
        rates = active_rates(connection.workspace)
        return bool(rates) and all(rate.pk in mapped for rate in rates)

    def handle(
        self, request: HttpRequest, connection: QuickBooksConnection, pipeline: SetupPipeline
    ) -> HttpResponse:
        read = read_from_quickbooks(request, connection, ("TaxCode", "TaxRate"))
        if isinstance(read, HttpResponse):
            return read
        options = tax_code_options(read["TaxCode"], read["TaxRate"])
        ensure_no_tax_rate(connection, options)
        mapped = dict(
            TaxMapping.objects.filter(connection=connection).values_list("tax_rate_id", "tax_code_id")
        )
        post = request.POST if request.method == "POST" else None
        form = TaxMappingForm(post, rates=active_rates(connection.workspace), options=options, mapped=mapped)
        adding = post is not None and "add_rate" in post
        new_rate = NewTaxRateForm(post if adding else None)
        if post is not None and form.is_valid():
            if adding:
                return self._add_rate(request, connection, form, new_rate)
            if form.require_all():
                save_mappings(connection, form.chosen())
                return advance(connection, pipeline, self)
        return render_step(
            request,
            connection,
            pipeline,
            self,
            "quickbooks/setup/tax.html",
            {"form": form, "new_rate": new_rate},
        )

    def _add_rate(
        self, request: HttpRequest, conn: QuickBooksConnection, form: TaxMappingForm, new_rate: NewTaxRateForm
    ) -> HttpResponse:
        # Whatever was already chosen is kept, so creating a rate never loses the user's work.
        save_mappings(conn, form.chosen())
        if not new_rate.is_valid():
            for error in [*new_rate.non_field_errors(), *(e for f in new_rate.errors.values() for e in f)]:
                messages.error(request, error)
            return redirect(step_url(conn, self.key))
        rate = TaxRate.objects.create(
            workspace_id=conn.workspace_id,
            name=new_rate.cleaned_data["new_rate_name"],
            rate=new_rate.cleaned_data["new_rate_percent"],
        )
        messages.success(request, f"Tax rate {rate} created. Map it to a QuickBooks tax code.")
        return redirect(step_url(conn, self.key))
