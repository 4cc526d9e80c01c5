"""Step 1: Simple Accounting or Accounting with inventory."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse

from tanto.integrations.base import SetupPipeline, SetupStep
from tanto.integrations.quickbooks.models import Mode, QuickBooksConnection
from tanto.integrations.quickbooks.setup.common import advance, render_step

EXPLANATIONS = {
    Mode.SIMPLE: "The expense account in QuickBooks is mapped to purchase orders.",
    Mode.INVENTORY: (
        "An inventory account in QuickBooks is mapped for purchases and an expense account for "
        "delivered goods."
    ),
}


class ModeForm(forms.Form):
    mode = forms.ChoiceField(
        label="How do you want to set up the integration?", choices=Mode.choices, widget=forms.RadioSelect
    )


class ModeStep(SetupStep):
    key = "mode"
    title = "Accounting mode"

    def is_complete(self, connection: QuickBooksConnection) -> bool:
        return bool(connection.mode)

    def handle(
        self, request: HttpRequest, connection: QuickBooksConnection, pipeline: SetupPipeline
    ) -> HttpResponse:
        form = ModeForm(request.POST or None, initial={"mode": connection.mode or None})
        if request.method == "POST" and form.is_valid():
            connection.mode = form.cleaned_data["mode"]
            if connection.mode == Mode.INVENTORY:
                # Inventory accounting covers both sides: purchases into stock, sales out of it.
                connection.sales_sync_enabled = connection.purchase_sync_enabled = True
            connection.save(update_fields=["mode", "sales_sync_enabled", "purchase_sync_enabled"])
            return advance(connection, pipeline, self)
        options = [
            {
                "value": value,
                "label": label,
                "explanation": EXPLANATIONS[Mode(value)],
                "checked": str(form["mode"].value() or "") == value,
            }
            for value, label in Mode.choices
        ]
        return render_step(
            request,
            connection,
            pipeline,
            self,
            "quickbooks/setup/mode.html",
            {"form": form, "options": options},
        )
