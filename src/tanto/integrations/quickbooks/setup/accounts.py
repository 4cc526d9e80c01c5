"""Step 2: Ledger account mapping, with the company's accounts read live (all pages, active only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse

from tanto.integrations.base import SetupPipeline, SetupStep
from tanto.integrations.quickbooks.models import Mode, QuickBooksConnection
from tanto.integrations.quickbooks.setup.common import Row, advance, read_from_quickbooks, render_step

INCOME_TYPES = {"Income", "Other Income"}
PURCHASE_TYPES = {"Expense", "Other Expense", "Cost of Goods Sold"}
COGS_TYPES = {"Cost of Goods Sold"}
PLACEHOLDER = ("", "Choose an account")


def _is_inventory(account: Row) -> bool:
    return (
        account.get("AccountType") == "Other Current Asset" and account.get("AccountSubType") == "Inventory"
    )


def account_choices(accounts: list[Row], suitable: Any) -> list[tuple[str, str]]:
    chosen = [a for a in accounts if a.get("Active", True) and suitable(a)]
    chosen.sort(key=lambda a: str(a.get("FullyQualifiedName") or a.get("Name", "")).lower())
    return [PLACEHOLDER] + [(str(a["Id"]), str(a.get("FullyQualifiedName") or a.get("Name"))) for a in chosen]


def of_types(types: set[str]) -> Any:
    return lambda account: account.get("AccountType") in types


# field name -> (label, what suits it, the connection columns it fills)
ACCOUNT_FIELDS: dict[str, tuple[str, Any, str]] = {
    "sales_account": ("Account for sales", of_types(INCOME_TYPES), "sales_account"),
    "purchase_account": ("Account for purchases", of_types(PURCHASE_TYPES), "purchase_account"),
    "income_account": ("Sales income account", of_types(INCOME_TYPES), "sales_account"),
    "inventory_account": ("Inventory account", _is_inventory, "inventory_account"),
    "cogs_account": ("Cost of sales account", of_types(COGS_TYPES), "cogs_account"),
}
SIMPLE_FIELDS = ("sales_account", "purchase_account")
MAPPING_COLUMNS = ["sales_sync_enabled", "purchase_sync_enabled"] + [
    f"{column}_{part}"
    for column in ("sales_account", "purchase_account", "inventory_account", "cogs_account")
    for part in ("id", "name")
]
INVENTORY_FIELDS = ("income_account", "inventory_account", "cogs_account")


class AccountsForm(forms.Form):
    """The fields depend on the mode; which accounts are required is decided in one place, here, for
    the server. The page's script only mirrors it to enable Continue."""

    def __init__(self, data: Any, *, mode: str, accounts: list[Row], initial: dict[str, Any]) -> None:
        super().__init__(data, initial=initial)
        self.mode = mode
        if mode == Mode.SIMPLE:
            for side, label in (("sales", "Sales orders"), ("purchase", "Purchase orders")):
                toggle = forms.CheckboxInput(attrs={"data-one-of": "sync"})
                self.fields[f"{side}_sync_enabled"] = forms.BooleanField(
                    label=label, required=False, widget=toggle
                )
                self.fields[f"{side}_account"] = self._account_field(
                    f"{side}_account", accounts, {"data-required-when": f"id_{side}_sync_enabled"}
                )
        else:
            for name in INVENTORY_FIELDS:
                self.fields[name] = self._account_field(name, accounts, {"data-required": ""})
        self.names = {
            value: label
            for name in (SIMPLE_FIELDS if mode == Mode.SIMPLE else INVENTORY_FIELDS)
            for value, label in self.fields[name].choices
        }

    @staticmethod
    def _account_field(name: str, accounts: list[Row], attrs: dict[str, str]) -> forms.ChoiceField:
        label, suitable, _ = ACCOUNT_FIELDS[name]
        return forms.ChoiceField(
            label=label,
            choices=account_choices(accounts, suitable),
            required=False,
            widget=forms.Select(attrs=attrs),
        )

    def required_fields(self) -> list[str]:
        if self.mode != Mode.SIMPLE:
            return list(INVENTORY_FIELDS)
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return [f"{side}_account" for side in ("sales", "purchase") if data.get(f"{side}_sync_enabled")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.mode == Mode.SIMPLE and not (
            data.get("sales_sync_enabled") or data.get("purchase_sync_enabled")
        ):
            raise forms.ValidationError("Enable sync for sales orders, purchase orders, or both.")
        for name in self.required_fields():
            if not data.get(name):
                self.add_error(name, "Choose the QuickBooks account for this.")
        return data

    def apply(self, conn: QuickBooksConnection) -> None:
        data = self.cleaned_data
        if self.mode == Mode.SIMPLE:
            conn.sales_sync_enabled = bool(data["sales_sync_enabled"])
            conn.purchase_sync_enabled = bool(data["purchase_sync_enabled"])
        for name in SIMPLE_FIELDS if self.mode == Mode.SIMPLE else INVENTORY_FIELDS:
            column = ACCOUNT_FIELDS[name][2]
            value = data.get(name) or ""
            # A disabled side keeps its old account, so turning it back on is prefilled.
            if value:
                setattr(conn, f"{column}_id", value)
                setattr(conn, f"{column}_name", self.names.get(value, ""))


def initial_for(conn: QuickBooksConnection) -> dict[str, Any]:
    return {
        "sales_sync_enabled": conn.sales_sync_enabled,
        "purchase_sync_enabled": conn.purchase_sync_enabled,
        "sales_account": conn.sales_account_id,
        "purchase_account": conn.purchase_account_id,
        "income_account": conn.sales_account_id,
        "inventory_account": conn.inventory_account_id,
        "cogs_account": conn.cogs_account_id,
    }


class AccountsStep(SetupStep):
    key = "accounts"
    title = "Ledger account mapping"

    def is_complete(self, connection: QuickBooksConnection) -> bool:
        if connection.mode == Mode.INVENTORY:
            return bool(
                connection.sales_account_id and connection.inventory_account_id and connection.cogs_account_id
            )
        if connection.mode == Mode.SIMPLE:
            enabled = [
                (connection.sales_sync_enabled, connection.sales_account_id),
                (connection.purchase_sync_enabled, connection.purchase_account_id),
            ]
            return any(on for on, _ in enabled) and all(account for on, account in enabled if on)
        return False

    def handle(
        self, request: HttpRequest, connection: QuickBooksConnection, pipeline: SetupPipeline
    ) -> HttpResponse:
        read = read_from_quickbooks(request, connection, ("Account",))
        if isinstance(read, HttpResponse):
            return read
        form = AccountsForm(
            request.POST or None,
            mode=connection.mode,
            accounts=read["Account"],
            initial=initial_for(connection),
        )
        if request.method == "POST" and form.is_valid():
            form.apply(connection)
            # Only the mapping columns: a token refresh by a worker meanwhile must not be overwritten.
            connection.save(update_fields=MAPPING_COLUMNS)
            return advance(connection, pipeline, self)
        return render_step(
            request,
            connection,
            pipeline,
            self,
            "quickbooks/setup/accounts.html",
            {
                "form": form,
                "simple": connection.mode == Mode.SIMPLE,
            },
        )
