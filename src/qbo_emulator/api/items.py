"""Items, accounts and terms (name lists keyed by Name), plus the CompanyInfo and Preferences singletons."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any, ClassVar

from ..companies.common import CLASSIFICATION, DEFAULT_SUBTYPE
from ..faults import fault, required
from .base import (
    Ctx,
    Handler,
    JsonObj,
    as_bool,
    as_number,
    check_properties,
    commit_create,
    commit_update,
    currency,
    merge_update,
    named_ref,
    new_base,
    ref_value,
    register,
    require_existing,
    text_field,
)
from .names import apply_active

ITEM_TYPES = ("Inventory", "NonInventory", "Service", "Group", "Category", "Bundle", "Other Charge")


class NamedList(Handler):
    """Shared logic for lists whose key is `Name` (unique within the entity)."""

    active_filtered = True
    creatable = True
    readonly_fields: ClassVar[frozenset[str]] = frozenset({"FullyQualifiedName"})

    def default_order(self) -> tuple[str, Any]:
        return "Name", lambda r: str(r.get("FullyQualifiedName") or r.get("Name", "")).casefold()

    def prepare(self, ctx: Ctx, obj: JsonObj, current: JsonObj | None) -> None:
        """Entity-specific validation and defaults."""

    def _name(self, body: JsonObj) -> str:
        name = text_field(body, "Name", 100)
        if not name or not name.strip():
            raise required("Name")
        if ":" in name:
            raise fault(
                "6000",
                "A business validation error has occurred while processing your request",
                "Business Validation Error: The name cannot contain a colon (:).",
                "Name",
            )
        return name.strip()

    def _unique(self, ctx: Ctx, name: str, exclude: str | None) -> None:
        wanted = name.casefold()
        for row in ctx.realm.table(self.name).values():
            if row["Id"] != exclude and str(row.get("Name", "")).casefold() == wanted:
                raise fault(
                    "6240", "Duplicate Name Exists Error", "The name supplied already exists. : null", None
                )

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        check_properties(self.name, body)
        obj = dict(body)
        obj["Name"] = self._name(body)
        obj["Active"] = as_bool(obj.get("Active", True), "Active")
        obj["FullyQualifiedName"] = obj["Name"]
        self.prepare(ctx, obj, current)
        return obj

    def create(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        obj = self.build(ctx, body, None)
        self._unique(ctx, obj["Name"], None)
        full = new_base(ctx, self.name)
        full.update(
            {k: v for k, v in obj.items() if k not in ("Id", "SyncToken", "MetaData", "domain", "sparse")}
        )
        return commit_create(ctx, self.name, full)

    def update(self, ctx: Ctx, body: JsonObj, sparse: bool) -> JsonObj:
        current = require_existing(ctx, self.name, body)
        check_properties(self.name, body)
        merged = merge_update(current, body, sparse, self.readonly_fields)
        was_active = current.get("Active", True) is not False
        if not was_active and merged.get("Active") is not False and "Name" not in body:
            merged["Name"] = str(merged.get("Name", "")).removesuffix(" (deleted)")
        obj = self.build(ctx, merged, current)
        apply_active(obj, ("Name", "FullyQualifiedName"))
        self._unique(ctx, obj["Name"], current["Id"])
        for key in ("domain", "Id", "SyncToken", "MetaData"):
            obj[key] = current[key]
        return commit_update(ctx, self.name, current, obj)


class ItemHandler(NamedList):
    name = "Item"
    path = "item"

    def prepare(self, ctx: Ctx, obj: JsonObj, current: JsonObj | None) -> None:
        item_type = obj.setdefault("Type", "Inventory" if obj.get("TrackQtyOnHand") else "NonInventory")
        if item_type not in ITEM_TYPES:
            raise fault("2170", "Invalid Enumeration", f"Invalid Enumeration : {item_type}", "Type")
        for key in ("UnitPrice", "PurchaseCost", "QtyOnHand"):
            if key in obj:
                obj[key] = as_number(obj[key], key)
        obj.setdefault("UnitPrice", 0)
        obj.setdefault("PurchaseCost", 0)
        for key in ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"):
            ref = ref_value(obj, key)
            if ref:
                obj[key] = named_ref(ctx, "Account", ref)
        if item_type in ("Service", "NonInventory") and not (
            obj.get("IncomeAccountRef") or obj.get("ExpenseAccountRef")
        ):
            raise required("ExpenseAccountRef or IncomeAccountRef", "")
        if item_type == "Inventory":
            for key in ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"):
                if not obj.get(key):
                    raise required(key)
            asset = ctx.realm.get("Account", obj["AssetAccountRef"]["value"]) or {}
            if asset.get("AccountType") != "Other Current Asset":
                raise fault(
                    "6430",
                    "Invalid account type used",
                    "Invalid account type: You need to select a different type of account for this "
                    "transaction.",
                    "AssetAccountRef",
                )
            if "QtyOnHand" not in obj:
                raise required("QtyOnHand")
            if not obj.get("InvStartDate"):
                raise required("InvStartDate")
            obj["TrackQtyOnHand"] = True
        else:
            obj["TrackQtyOnHand"] = False
        for key in ("SalesTaxCodeRef", "PurchaseTaxCodeRef"):
            ref = ref_value(obj, key)
            if ref:
                obj[key] = named_ref(ctx, "TaxCode", ref)


class AccountHandler(NamedList):
    name = "Account"
    path = "account"
    readonly_fields = frozenset(
        {"FullyQualifiedName", "Classification", "CurrentBalance", "CurrentBalanceWithSubAccounts"}
    )

    def prepare(self, ctx: Ctx, obj: JsonObj, current: JsonObj | None) -> None:
        acct_type = obj.get("AccountType")
        subtype = obj.get("AccountSubType")
        if not acct_type and not subtype:
            raise fault(
                "6010",
                "Invalid account type",
                "Invalid Account.AccountType && Account.SubType : "
                "You must select an account type and detail type.",
                "AccountType",
            )
        if acct_type is None:
            acct_type = next((t for t, s in DEFAULT_SUBTYPE.items() if s == subtype), "Expense")
        if acct_type not in CLASSIFICATION:
            raise fault("2170", "Invalid Enumeration", f"Invalid Enumeration : {acct_type}", "AccountType")
        obj["AccountType"] = acct_type
        obj["AccountSubType"] = subtype or DEFAULT_SUBTYPE[acct_type]
        obj["Classification"] = CLASSIFICATION[acct_type]
        obj["SubAccount"] = bool(ref_value(obj, "ParentRef"))
        parent = ref_value(obj, "ParentRef")
        if parent:
            ref = named_ref(ctx, "Account", parent)
            obj["ParentRef"] = {"value": parent}
            obj["FullyQualifiedName"] = f"{ref['name']}:{obj['Name']}"
        obj["CurrentBalance"] = current.get("CurrentBalance", Decimal("0.00")) if current else Decimal("0.00")
        obj["CurrentBalanceWithSubAccounts"] = obj["CurrentBalance"]
        obj["CurrencyRef"] = currency(ctx, obj)


class TermHandler(NamedList):
    name = "Term"
    path = "term"

    def prepare(self, ctx: Ctx, obj: JsonObj, current: JsonObj | None) -> None:
        obj.pop("FullyQualifiedName", None)
        obj.setdefault("Type", "STANDARD")
        for key in ("DueDays", "DiscountDays", "DiscountPercent", "DayOfMonthDue"):
            if key in obj:
                obj[key] = as_number(obj[key], key)
        obj.setdefault("DueDays", 0)


class CompanyInfoHandler(Handler):
    name = "CompanyInfo"
    path = "companyinfo"
    cdc = False

    def read(self, ctx: Ctx, obj_id: str) -> JsonObj:
        # GET /companyinfo/{realmId}: the path carries the realm id, the stored row is Id "1".
        return ctx.realm.table("CompanyInfo")["1"]

    def update(self, ctx: Ctx, body: JsonObj, sparse: bool) -> JsonObj:
        current = require_existing(ctx, self.name, body)
        check_properties(self.name, body)
        merged = merge_update(current, body, True, frozenset({"Country"}))
        return commit_update(ctx, self.name, current, merged)


class PreferencesHandler(Handler):
    name = "Preferences"
    path = "preferences"

    def read(self, ctx: Ctx, obj_id: str) -> JsonObj:
        return ctx.prefs

    def update(self, ctx: Ctx, body: JsonObj, sparse: bool) -> JsonObj:
        current = require_existing(ctx, self.name, body)
        check_properties(self.name, body)
        merged = copy.deepcopy(current)
        for key, value in body.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(copy.deepcopy(value))
        return commit_update(ctx, self.name, current, merged)


register(ItemHandler())
register(AccountHandler())
register(TermHandler())
register(CompanyInfoHandler())
register(PreferencesHandler())
