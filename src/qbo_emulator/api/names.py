"""Name lists: Customer, Vendor, Employee. DisplayName is unique across all three (6240)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from ..faults import fault, object_not_found, required
from .base import (
    Ctx,
    Handler,
    JsonObj,
    as_bool,
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
    resolve_ref,
    text_field,
)

DELETED = " (deleted)"
NAME_PARTS = ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")


def duplicate_name() -> Exception:
    return fault("6240", "Duplicate Name Exists Error", "The name supplied already exists. : null", None)


def name_taken(ctx: Ctx, display: str, exclude: tuple[str, str] | None = None) -> bool:
    wanted = display.casefold()
    for entity in ("Customer", "Vendor", "Employee"):
        for row in ctx.realm.table(entity).values():
            if exclude == (entity, row["Id"]):
                continue
            if str(row.get("DisplayName", "")).casefold() == wanted:
                return True
    return False


def apply_active(obj: JsonObj, keys: tuple[str, ...]) -> None:
    """Inactive records carry QBO's " (deleted)" suffix; reactivation drops it. Re-sending the plain name of
    an inactive record is therefore no change at all (recorded in deactivate/account.yml)."""
    active = obj.get("Active", True)
    for key in keys:
        value = obj.get(key)
        if not isinstance(value, str):
            continue
        if active is False and not value.endswith(DELETED):
            obj[key] = value + DELETED
        elif active is not False and value.endswith(DELETED):
            obj[key] = value[: -len(DELETED)]


class NameList(Handler):
    active_filtered = True
    creatable = True
    readonly_fields: ClassVar[frozenset[str]] = frozenset(
        {"Balance", "BalanceWithJobs", "FullyQualifiedName", "Level"}
    )

    def default_order(self) -> tuple[str, Any]:
        return "DisplayName", lambda r: str(r.get("DisplayName", "")).casefold()

    def defaults(self, ctx: Ctx, obj: JsonObj, current: JsonObj | None) -> None:
        """Entity-specific defaults and reference checks."""

    def display_name(self, body: JsonObj) -> str:
        for key in ("DisplayName", *NAME_PARTS, "CompanyName", "PrintOnCheckName"):
            text_field(body, key, 500)
        display = body.get("DisplayName")
        if isinstance(display, str) and display.strip():
            if ":" in display:
                raise fault(
                    "6000",
                    "A business validation error has occurred while processing your request",
                    "Business Validation Error: The name cannot contain a colon (:).",
                    "DisplayName",
                )
            return display.strip()
        parts = [str(body[p]).strip() for p in NAME_PARTS if isinstance(body.get(p), str) and body[p].strip()]
        if parts:
            return " ".join(parts)
        company = body.get("CompanyName")
        if isinstance(company, str) and company.strip():
            return company.strip()
        raise fault(
            "6080",
            "No Name Provided",
            "Please provide a name: DisplayName, or one of Title, GivenName, "
            "MiddleName, FamilyName or Suffix.",
            "DisplayName",
        )

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        check_properties(self.name, body)
        display = self.display_name(body)
        if "Active" in body:
            as_bool(body["Active"], "Active")
        obj = dict(body)
        obj["DisplayName"] = display
        # Clients that serialise every attribute send "" for unset fields; QBO fills those like absent ones.
        if not obj.get("PrintOnCheckName"):
            obj["PrintOnCheckName"] = body.get("CompanyName") or display
        obj.setdefault("Active", True)
        self.defaults(ctx, obj, current)
        return obj

    def create(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        obj = self.build(ctx, body, None)
        if obj.get("Active") is False:
            apply_active(obj, ("DisplayName", "FullyQualifiedName"))
        if name_taken(ctx, obj["DisplayName"]):
            raise duplicate_name()
        full = new_base(ctx, self.name)
        full.update(
            {k: v for k, v in obj.items() if k not in ("Id", "SyncToken", "MetaData", "domain", "sparse")}
        )
        return commit_create(ctx, self.name, full)

    def update(self, ctx: Ctx, body: JsonObj, sparse: bool) -> JsonObj:
        current = require_existing(ctx, self.name, body)
        check_properties(self.name, body)
        if sparse and "DisplayName" in body and not body.get("DisplayName"):
            raise required("DisplayName")
        merged = merge_update(current, body, sparse, self.readonly_fields)
        was_active = current.get("Active", True) is not False
        if was_active is False and merged.get("Active") is not False and "DisplayName" not in body:
            merged["DisplayName"] = str(merged.get("DisplayName", "")).removesuffix(DELETED)
        obj = self.build(ctx, merged, current)
        if was_active and obj.get("Active") is False and obj.get("Balance", 0) not in (0, None):
            raise fault(
                "6220",
                "Delete List Has Balance Error",
                "The item can't be made inactive because it has an open balance.",
                None,
            )
        apply_active(obj, ("DisplayName", "FullyQualifiedName"))
        if name_taken(ctx, obj["DisplayName"], exclude=(self.name, current["Id"])):
            raise duplicate_name()
        for key in ("domain", "Id", "SyncToken", "MetaData"):
            obj[key] = current[key]
        return commit_update(ctx, self.name, current, obj)


class CustomerHandler(NameList):
    name = "Customer"
    path = "customer"

    def default_order(self) -> tuple[str, Any]:
        return "FullyQualifiedName", lambda r: str(r.get("FullyQualifiedName", "")).casefold()

    def defaults(self, ctx: Ctx, obj: JsonObj, current: JsonObj | None) -> None:
        obj.setdefault("Taxable", ctx.us)
        parent_id = ref_value(obj, "ParentRef")
        if parent_id:
            _t, parent = resolve_ref(ctx, "Customer", parent_id)
            obj["ParentRef"] = {"value": parent_id}
            obj["Job"] = True
            obj.setdefault("BillWithParent", False)
            obj["Level"] = int(parent.get("Level", 0)) + 1
            obj["FullyQualifiedName"] = (
                f"{parent.get('FullyQualifiedName', parent['DisplayName'])}:{obj['DisplayName']}"
            )
        else:
            obj.pop("Level", None)
            obj["Job"] = False
            obj.setdefault("BillWithParent", False)
            obj["FullyQualifiedName"] = obj["DisplayName"]
        obj["Balance"] = current.get("Balance", Decimal("0.00")) if current else Decimal("0.00")
        obj["BalanceWithJobs"] = (
            current.get("BalanceWithJobs", Decimal("0.00")) if current else Decimal("0.00")
        )
        if (
            current
            and "CurrencyRef" in current
            and ref_value(obj, "CurrencyRef") not in (None, current["CurrencyRef"].get("value"))
        ):
            raise fault(
                "6000",
                "A business validation error has occurred while processing your request",
                "Business Validation Error: You can't change the currency of a customer.",
                "CurrencyRef",
            )
        obj["CurrencyRef"] = currency(ctx, obj)
        if not obj.get("PreferredDeliveryMethod"):
            obj["PreferredDeliveryMethod"] = "Print"
        for key, kind in (
            ("SalesTermRef", "Term"),
            ("PaymentMethodRef", None),
            ("DefaultTaxCodeRef", "TaxCode"),
        ):
            ref = ref_value(obj, key)
            if ref and kind:
                obj[key] = {"value": ref}
                resolve_ref(ctx, kind, ref)
        if (
            ctx.us
            and "DefaultTaxCodeRef" not in obj
            and obj.get("Taxable")
            and "2" in ctx.realm.table("TaxCode")
        ):
            # The recorded sandbox assigns its tax group to new taxable customers.
            obj["DefaultTaxCodeRef"] = {"value": "2"}


class VendorHandler(NameList):
    name = "Vendor"
    path = "vendor"
    readonly_fields = frozenset({"Balance"})

    def defaults(self, ctx: Ctx, obj: JsonObj, current: JsonObj | None) -> None:
        obj["Balance"] = current.get("Balance", Decimal("0.00")) if current else Decimal("0.00")
        obj.setdefault("Vendor1099", False)
        obj["CurrencyRef"] = currency(ctx, obj)
        for key, kind in (("TermRef", "Term"), ("APAccountRef", "Account")):
            ref = ref_value(obj, key)
            if ref:
                obj[key] = named_ref(ctx, kind, ref) if kind == "Account" else {"value": ref}
                resolve_ref(ctx, kind, ref)


class EmployeeHandler(NameList):
    name = "Employee"
    path = "employee"
    readonly_fields = frozenset()

    def defaults(self, ctx: Ctx, obj: JsonObj, current: JsonObj | None) -> None:
        obj.setdefault("BillableTime", False)
        obj.pop("FullyQualifiedName", None)


# Where each name appears on documents, for merges.
REFERENCES = {
    "Customer": (("Invoice", "CustomerRef"), ("CreditMemo", "CustomerRef"), ("Payment", "CustomerRef")),
    "Vendor": (("Bill", "VendorRef"), ("BillPayment", "VendorRef")),
}


def merge(ctx: Ctx, entity: str, source_id: str, target_id: str) -> JsonObj:
    """QBO's merge (an accountant's action, not an API call): the source's documents move to the target,
    the source disappears (CDC shows it Deleted) and webhooks say Merge with deletedId."""
    from .txn_common import refresh_party_balance

    if entity not in REFERENCES:
        raise fault("5030", "Feature Not Supported", f"{entity} records can't be merged here.", None)
    source, target = ctx.realm.get(entity, source_id), ctx.realm.get(entity, target_id)
    if source is None or target is None or source_id == target_id:
        raise object_not_found()
    name = target.get("FullyQualifiedName") or target.get("DisplayName")
    for table, key in REFERENCES[entity]:
        for doc in list(ctx.realm.table(table).values()):
            if doc.get(key, {}).get("value") == source_id:
                moved = dict(doc)
                moved[key] = {"value": target_id, "name": name}
                moved["MetaData"] = dict(doc.get("MetaData", {}), LastUpdatedTime=ctx.stamp())
                ctx.realm.put(table, moved)
    ctx.realm.remove(entity, source_id, ctx.stamp())
    refresh_party_balance(ctx, entity, target_id)
    ctx.store.notify(ctx.realm, entity, target_id, "Merge", deleted_id=source_id)
    return ctx.realm.get(entity, target_id) or target


register(CustomerHandler())
register(VendorHandler())
register(EmployeeHandler())
