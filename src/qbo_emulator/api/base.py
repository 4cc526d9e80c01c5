"""Shared machinery for entity handlers: the request context, the handler registry and common rules."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from .. import wire
from ..clock import Clock
from ..config import EmulatorConfig
from ..faults import QboFault, fault, invalid_reference, object_not_found, required, stale_object
from ..schema import ENTITY_FIELDS, ENVELOPE_FIELDS
from ..store import Realm, Store

JsonObj = dict[str, Any]


@dataclass
class Ctx:
    store: Store
    realm: Realm
    clock: Clock
    config: EmulatorConfig

    def now(self) -> datetime:
        return self.clock.now()

    def stamp(self) -> str:
        return wire.meta_time(self.now(), self.realm.tz)

    def today(self) -> str:
        return self.now().astimezone(self.realm.tz).date().isoformat()

    def envelope(self, payload: JsonObj) -> JsonObj:
        payload["time"] = wire.response_time(self.now(), self.realm.tz)
        return payload

    @property
    def prefs(self) -> JsonObj:
        return self.realm.table("Preferences")["1"]

    @property
    def us(self) -> bool:
        return self.realm.country == "US"

    @property
    def home_currency(self) -> str:
        return str(self.prefs.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value", "USD"))

    @property
    def multi_currency(self) -> bool:
        return bool(self.prefs.get("CurrencyPrefs", {}).get("MultiCurrencyEnabled"))

    @property
    def custom_txn_numbers(self) -> bool:
        return bool(self.prefs.get("SalesFormsPrefs", {}).get("CustomTxnNumbers"))


# Which table backs each reference kind, and the word QBO uses in 2500 details.
REF_KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "Customer": (("Customer",), "Names"),
    "Vendor": (("Vendor",), "Names"),
    "Name": (("Customer", "Vendor", "Employee"), "Names"),
    "Account": (("Account",), "Accounts"),
    "Item": (("Item",), "Items"),
    "Term": (("Term",), "Terms"),
    "TaxCode": (("TaxCode",), "TaxCodes"),
    "TaxRate": (("TaxRate",), "TaxRates"),
}


class Handler:
    """One entity family's behaviour. Subclasses override the operations they support."""

    name: ClassVar[str] = ""
    path: ClassVar[str] = ""
    active_filtered: ClassVar[bool] = False
    creatable: ClassVar[bool] = False
    deletable: ClassVar[bool] = False
    voidable: ClassVar[bool] = False
    cdc: ClassVar[bool] = True

    @property
    def fields(self) -> frozenset[str]:
        return ENTITY_FIELDS.get(self.name, frozenset())

    def default_order(self) -> tuple[str, Callable[[JsonObj], Any]]:
        return "Id", lambda r: int(r["Id"]) if str(r["Id"]).isdigit() else 0

    def read(self, ctx: Ctx, obj_id: str) -> JsonObj:
        obj = ctx.realm.get(self.name, obj_id)
        if obj is None:
            raise object_not_found()
        return obj

    def create(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        raise unsupported(ctx, self.path)

    def update(self, ctx: Ctx, body: JsonObj, sparse: bool) -> JsonObj:
        raise unsupported(ctx, self.path)

    def delete(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        raise unsupported(ctx, self.path)

    def void(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        raise unsupported(ctx, self.path)


REGISTRY: dict[str, Handler] = {}


def register(handler: Handler) -> Handler:
    REGISTRY[handler.name] = handler
    return handler


def handler_for_path(segment: str) -> Handler | None:
    lowered = segment.lower()
    return next((h for h in REGISTRY.values() if h.path == lowered), None)


def unsupported(ctx: Ctx, path: str) -> QboFault:
    rel = f"/v3/company/{ctx.realm.realm_id}/{path}"
    return fault(
        "500",
        "Unsupported Operation",
        f"Operation Could not find resource for relative : {rel} of full path: {rel} is not supported.",
        None,
    )


# --- common rules ---------------------------------------------------------------------------------------


def check_properties(entity: str, body: JsonObj) -> None:
    """2010 for a top-level property the entity doesn't have (Jackson's "Unrecognized field")."""
    known = ENTITY_FIELDS.get(entity, frozenset()) | ENVELOPE_FIELDS
    for key in body:
        if key not in known:
            names = ", ".join(f'"{k}"' for k in sorted(known - ENVELOPE_FIELDS))
            raise fault(
                "2010",
                "Request has invalid or unsupported property",
                f'Property Name:Unrecognized field "{key}" (class com.intuit.schema.finance.v3.{entity}), '
                f"not marked as ignorable ({len(known - ENVELOPE_FIELDS)} known properties: {names}]) "
                "specified is unsupported or invalid",
            )


def text_field(body: JsonObj, key: str, max_len: int = 4000) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise fault("2040", "Invalid String", f"{key} must be a string. Supplied value:{value}", key)
    if len(value) > max_len:
        raise fault("2050", "Invalid String Length", f"String length exceeds the maximum for {key}", key)
    return value


def ref_value(body: JsonObj, key: str) -> str | None:
    ref = body.get(key)
    if ref is None:
        return None
    if isinstance(ref, dict):
        val = ref.get("value")
        if val is None or isinstance(val, (dict, list)):
            raise required(f"{key}.value", key)
        return str(val)
    if isinstance(ref, (str, int)) and not isinstance(ref, bool):
        return str(ref)
    raise fault(
        "2010", "Request has invalid or unsupported property", f"Property Name:{key} must be an object"
    )


def resolve_ref(ctx: Ctx, kind: str, ref_id: str, *, allow_inactive: bool = False) -> tuple[str, JsonObj]:
    """Find a referenced object: unknown → 2500 Invalid Reference Id, inactive → 610 Object Not Found."""
    tables, word = REF_KINDS[kind]
    for table in tables:
        obj = ctx.realm.get(table, ref_id)
        if obj is not None:
            if obj.get("Active") is False and not allow_inactive:
                raise object_not_found()
            return table, obj
    raise invalid_reference(word, ref_id)


def display_of(obj: JsonObj) -> str:
    return str(obj.get("FullyQualifiedName") or obj.get("DisplayName") or obj.get("Name") or "")


def named_ref(ctx: Ctx, kind: str, ref_id: str, **kw: Any) -> JsonObj:
    _table, obj = resolve_ref(ctx, kind, ref_id, **kw)
    return {"value": ref_id, "name": display_of(obj)}


def require_existing(ctx: Ctx, entity: str, body: JsonObj) -> JsonObj:
    """Id + SyncToken checks shared by update, delete and void."""
    obj_id = body.get("Id")
    if obj_id is None or obj_id == "":
        raise required("Id")
    obj_id = str(obj_id)
    if not obj_id.isdigit() and entity not in ("TaxCode",):
        raise fault("2030", "Invalid ID", f"Id should be a valid number. Supplied value:{obj_id}", "Id")
    current = ctx.realm.get(entity, obj_id)
    if current is None:
        raise object_not_found()
    token = body.get("SyncToken")
    if token is None:
        raise required("SyncToken")
    if str(token) != str(current.get("SyncToken")):
        raise stale_object()
    return current


def new_base(ctx: Ctx, entity: str) -> JsonObj:
    stamp = ctx.stamp()
    return {
        "domain": "QBO",
        "sparse": False,
        "Id": ctx.realm.next_id(entity),
        "SyncToken": "0",
        "MetaData": {"CreateTime": stamp, "LastUpdatedTime": stamp},
    }


def merge_update(current: JsonObj, body: JsonObj, sparse: bool, readonly: frozenset[str]) -> JsonObj:
    """Sparse: change only what was sent. Full: writable fields not sent are cleared."""
    if sparse:
        merged = copy.deepcopy(current)
    else:
        merged = {k: copy.deepcopy(v) for k, v in current.items() if k in readonly or k in SERVER_FIELDS}
    for key, value in body.items():
        if key in SERVER_FIELDS or key in readonly:
            continue
        merged[key] = copy.deepcopy(value)
    return merged


SERVER_FIELDS = frozenset({"domain", "sparse", "Id", "SyncToken", "MetaData", "status"})


def commit_update(
    ctx: Ctx, entity: str, current: JsonObj, updated: JsonObj, operation: str = "Update"
) -> JsonObj:
    """Store an update; SyncToken and LastUpdatedTime move only when something really changed."""

    def comparable(obj: JsonObj) -> JsonObj:
        return {k: v for k, v in obj.items() if k not in ("MetaData", "SyncToken", "sparse")}

    updated["sparse"] = False
    if comparable(updated) == comparable(current):
        return current
    updated["SyncToken"] = str(int(current.get("SyncToken", "0")) + 1)
    updated["MetaData"] = dict(current.get("MetaData", {}), LastUpdatedTime=ctx.stamp())
    ctx.realm.put(entity, updated)
    ctx.store.notify(ctx.realm, entity, updated["Id"], operation)
    return updated


def commit_create(ctx: Ctx, entity: str, obj: JsonObj) -> JsonObj:
    ctx.realm.put(entity, obj)
    ctx.store.notify(ctx.realm, entity, obj["Id"], "Create")
    return obj


def touch(ctx: Ctx, entity: str, obj: JsonObj) -> None:
    """A server-side side effect changed `obj` (e.g. a payment reduced an invoice's balance)."""
    obj["SyncToken"] = str(int(obj.get("SyncToken", "0")) + 1)
    obj["MetaData"] = dict(obj.get("MetaData", {}), LastUpdatedTime=ctx.stamp())
    ctx.realm.put(entity, obj)
    ctx.store.notify(ctx.realm, entity, obj["Id"], "Update")


def as_money(value: Any, field: str) -> Decimal:
    try:
        return wire.money(value)
    except ValueError as exc:
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:{field} must be a number. Supplied value:{value}",
            field,
        ) from exc


def as_number(value: Any, field: str) -> int | float:
    try:
        if isinstance(value, str):
            value = float(value)
        return wire.number(value)
    except (TypeError, ValueError) as exc:
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:{field} must be a number. Supplied value:{value}",
            field,
        ) from exc


def as_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise fault(
        "2010",
        "Request has invalid or unsupported property",
        f"Property Name:{field} must be a boolean. Supplied value:{value}",
        field,
    )


def require_object(value: Any, field: str) -> JsonObj:
    if not isinstance(value, dict):
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:{field} must be an object",
            field,
        )
    return value


def currency(ctx: Ctx, body: JsonObj) -> JsonObj:
    """CurrencyRef: home currency by default; a foreign one needs multi-currency on."""
    from ..companies.common import CURRENCY_NAMES

    code = ref_value(body, "CurrencyRef") or ctx.home_currency
    if code != ctx.home_currency and not ctx.multi_currency:
        raise fault(
            "6000",
            "A business validation error has occurred while processing your request",
            "Business Validation Error: Multicurrency is not enabled for this company. "
            f"CurrencyRef {code} is not allowed; the home currency is {ctx.home_currency}.",
            "CurrencyRef",
        )
    if code not in CURRENCY_NAMES:
        raise invalid_reference("Currency", code)
    return {"value": code, "name": CURRENCY_NAMES[code]}
