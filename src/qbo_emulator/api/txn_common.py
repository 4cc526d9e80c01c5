"""Shared rules for transactions: lines, dates, numbering, currency, tax codes, balances, stock."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .. import wire
from ..faults import fault, required
from .base import (
    Ctx,
    Handler,
    JsonObj,
    as_money,
    as_number,
    check_properties,
    commit_create,
    commit_update,
    new_base,
    ref_value,
    require_existing,
    require_object,
    resolve_ref,
    touch,
)

ZERO = Decimal("0.00")
EXCHANGE_RATES = {
    ("GBP", "USD"): 1.27,
    ("EUR", "USD"): 1.09,
    ("CAD", "USD"): 0.73,
    ("USD", "GBP"): 0.79,
    ("EUR", "GBP"): 0.86,
    ("CAD", "GBP"): 0.58,
    ("AUD", "USD"): 0.66,
    ("AUD", "GBP"): 0.52,
}
SERVER_KEYS = ("domain", "sparse", "Id", "SyncToken", "MetaData")


def require_lines(body: JsonObj) -> list[JsonObj]:
    lines = body.get("Line")
    if lines is None or lines == []:
        raise required("Line")
    if not isinstance(lines, list):
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            "Property Name:Line must be an array",
            "Line",
        )
    for line in lines:
        require_object(line, "Line")
    return lines


def txn_date(ctx: Ctx, body: JsonObj, key: str = "TxnDate") -> str:
    raw = body.get(key)
    if raw is None or raw == "":
        return ctx.today()
    try:
        return date.fromisoformat(str(raw)[:10]).isoformat()
    except ValueError as exc:
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:{key} is not a valid date. Supplied value:{raw}",
            key,
        ) from exc


def due_date(ctx: Ctx, txn_date: str, term_id: str | None) -> str:
    term = ctx.realm.get("Term", term_id) if term_id else None
    days = int(term.get("DueDays", 0)) if term else 0
    return (date.fromisoformat(txn_date) + timedelta(days=days)).isoformat()


def apply_exchange_rate(ctx: Ctx, body: JsonObj, cur: JsonObj, out: JsonObj) -> None:
    if cur["value"] == ctx.home_currency:
        out.pop("ExchangeRate", None)
        if ctx.multi_currency:
            out["ExchangeRate"] = 1
        return
    rate = body.get("ExchangeRate")
    out["ExchangeRate"] = (
        as_number(rate, "ExchangeRate")
        if rate is not None
        else EXCHANGE_RATES.get((cur["value"], ctx.home_currency), 1)
    )


def check_line_tax_code(ctx: Ctx, detail: JsonObj, element: str) -> str | None:
    """US lines use the pseudo codes TAX/NON (6100 otherwise); other countries need a real code (6000)."""
    code = ref_value(detail, "TaxCodeRef")
    if ctx.us:
        code = code or "NON"
        if code not in ("TAX", "NON"):
            raise fault(
                "6100",
                "Invalid Line TaxCode",
                f"Invalid line TaxCode: {code}. For US companies the line tax code must be TAX or NON.",
                element,
            )
        detail["TaxCodeRef"] = {"value": code}
        return code
    if not code:
        wording = "GST/HST" if ctx.realm.country == "CA" else "VAT"
        raise fault(
            "6000",
            "A business validation error has occurred while processing your request",
            "Business Validation Error: Make sure all your transactions have a "
            f"{wording} rate before you save.",
            "",
        )
    resolve_ref(ctx, "TaxCode", code)
    detail["TaxCodeRef"] = {"value": code}
    return code


def line_amount(detail: JsonObj, line: JsonObj) -> Decimal:
    qty = as_number(detail["Qty"], "Qty") if "Qty" in detail else None
    price = as_number(detail["UnitPrice"], "UnitPrice") if "UnitPrice" in detail else None
    if qty is not None:
        detail["Qty"] = qty
    if price is not None:
        detail["UnitPrice"] = price
    if "Amount" in line and line["Amount"] is not None:
        amount = as_money(line["Amount"], "Amount")
        # Clients such as python-quickbooks send Qty 0 / UnitPrice 0 for "not given", which QBO accepts.
        if qty and price:
            expected = (Decimal(str(qty)) * Decimal(str(price))).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if expected != amount:
                raise fault(
                    "6070",
                    "Amount calculation incorrect",
                    f"Amount calculation incorrect : Amount is not equal to UnitPrice * Qty. "
                    f"Supplied value:{wire.number(float(amount))}",
                    "",
                )
        return amount
    if qty is not None and price is not None:
        return (Decimal(str(qty)) * Decimal(str(price))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    raise required("Amount")


def number_lines(lines: list[JsonObj]) -> None:
    """LineNum runs 1..n; a line keeps the Id the client sent (an update), new lines get fresh Ids."""
    kept = {str(line["Id"]) for line in lines if str(line.get("Id", "")).isdigit()}
    next_id = max((int(i) for i in kept), default=0)
    seen: set[str] = set()
    for n, line in enumerate(lines, start=1):
        line_id = str(line.get("Id", ""))
        if not line_id.isdigit() or line_id in seen:
            next_id += 1
            line_id = str(next_id)
        seen.add(line_id)
        line.pop("Id", None)
        line.pop("LineNum", None)
        rest = dict(line)
        line.clear()
        line.update({"Id": line_id, "LineNum": n})
        line.update(rest)


def doc_number(ctx: Ctx, entity: str, body: JsonObj, exclude: str | None) -> str | None:
    """Auto-number when custom transaction numbers are off; refuse duplicates (6140) when they are on."""
    doc = body.get("DocNumber")
    if doc is not None and not isinstance(doc, str):
        doc = str(doc)
    if doc and len(doc) > 21:
        raise fault(
            "2050",
            "Invalid String Length",
            "String length exceeds the maximum for DocNumber (21)",
            "DocNumber",
        )
    if ctx.custom_txn_numbers:
        if doc:
            for row in ctx.realm.table(entity).values():
                if row.get("DocNumber") == doc and row["Id"] != exclude:
                    raise fault(
                        "6140",
                        "Duplicate Doc Num",
                        f"Duplicate Document Number Error : You must specify a different number. This "
                        f"number has already been used. DocNumber={doc} is assigned to TxnType={entity} "
                        f"with TxnId={row['Id']}",
                        "",
                    )
        return doc
    if doc:
        return doc
    return str(
        ctx.realm.bump_counter(f"doc:{'Sales' if entity in ('Invoice', 'CreditMemo') else entity}", 1001)
    )


def applied_amount(
    ctx: Ctx, payment_entity: str, target_type: str, target_id: str, skip: str | None = None
) -> Decimal:
    total = ZERO
    for pay in ctx.realm.table(payment_entity).values():
        if pay["Id"] == skip:
            continue
        for line in pay.get("Line", []):
            for link in line.get("LinkedTxn", []):
                if link.get("TxnId") == target_id and link.get("TxnType") == target_type:
                    total += line.get("Amount", ZERO)
    return total


def refresh_party_balance(ctx: Ctx, party: str, party_id: str | None) -> None:
    """Customer/Vendor Balance follows their open documents; QBO moves LastUpdatedTime, not SyncToken."""
    if not party_id:
        return
    row = ctx.realm.get(party, party_id)
    if row is None:
        return
    if party == "Customer":
        owed = sum(
            (
                i.get("Balance", ZERO)
                for i in ctx.realm.table("Invoice").values()
                if i.get("CustomerRef", {}).get("value") == party_id
            ),
            ZERO,
        )
        credit = sum(
            (
                c.get("Balance", ZERO)
                for c in ctx.realm.table("CreditMemo").values()
                if c.get("CustomerRef", {}).get("value") == party_id
            ),
            ZERO,
        )
        balance = wire.money(owed - credit)
        keys: tuple[str, ...] = ("Balance", "BalanceWithJobs")
    else:
        balance = wire.money(
            sum(
                (
                    b.get("Balance", ZERO)
                    for b in ctx.realm.table("Bill").values()
                    if b.get("VendorRef", {}).get("value") == party_id
                ),
                ZERO,
            )
        )
        keys = ("Balance",)
    if all(row.get(k) == balance for k in keys):
        return
    updated = dict(row)
    for key in keys:
        updated[key] = balance
    updated["MetaData"] = dict(row.get("MetaData", {}), LastUpdatedTime=ctx.stamp())
    ctx.realm.put(party, updated)


# How each document moves stock: sales out, credits and purchases in.
STOCK_SIGN = {"Invoice": -1, "CreditMemo": 1, "Bill": 1}


def _stock_lines(doc: JsonObj | None) -> dict[str, Decimal]:
    """Quantity per inventory item on a document; a voided document moves nothing."""
    out: dict[str, Decimal] = {}
    if not doc or doc.get("PrivateNote") == "Voided":
        return out
    for line in doc.get("Line", []):
        detail = line.get("SalesItemLineDetail") or line.get("ItemBasedExpenseLineDetail")
        if not isinstance(detail, dict) or "Qty" not in detail:
            continue
        item_id = (detail.get("ItemRef") or {}).get("value")
        if item_id:
            out[item_id] = out.get(item_id, Decimal(0)) + Decimal(str(detail["Qty"]))
    return out


def adjust_stock(ctx: Ctx, entity: str, obj: JsonObj | None, previous: JsonObj | None) -> None:
    """QBO tracks QtyOnHand for Inventory items from the documents that move them."""
    sign = STOCK_SIGN.get(entity)
    if sign is None:
        return
    new, old = _stock_lines(obj), _stock_lines(previous)
    for item_id in set(new) | set(old):
        delta = (new.get(item_id, Decimal(0)) - old.get(item_id, Decimal(0))) * sign
        item = ctx.realm.get("Item", item_id)
        if not delta or item is None or not item.get("TrackQtyOnHand"):
            continue
        updated = dict(item)
        updated["QtyOnHand"] = wire.number(float(Decimal(str(item.get("QtyOnHand", 0))) + delta))
        updated["MetaData"] = dict(item.get("MetaData", {}), LastUpdatedTime=ctx.stamp())
        ctx.realm.put("Item", updated)


class Transaction(Handler):
    creatable = True
    deletable = True
    party: str = "Customer"
    party_ref: str = "CustomerRef"

    def default_order(self) -> tuple[str, Any]:
        # Recorded queries return the newest TxnDate first.
        return "TxnDate", lambda r: (str(r.get("TxnDate", "")), int(r["Id"]))

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        raise NotImplementedError

    def after_commit(self, ctx: Ctx, obj: JsonObj, previous: JsonObj | None) -> None:
        adjust_stock(ctx, self.name, obj, previous)
        party_id = (obj or previous or {}).get(self.party_ref, {}).get("value")
        refresh_party_balance(ctx, self.party, party_id)
        old_party = (previous or {}).get(self.party_ref, {}).get("value")
        if old_party and old_party != party_id:
            refresh_party_balance(ctx, self.party, old_party)

    def create(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        check_properties(self.name, body)
        obj = self.build(ctx, body, None)
        full = new_base(ctx, self.name)
        full.update({k: v for k, v in obj.items() if k not in SERVER_KEYS})
        commit_create(ctx, self.name, full)
        self.after_commit(ctx, full, None)
        return full

    def update(self, ctx: Ctx, body: JsonObj, sparse: bool) -> JsonObj:
        current = require_existing(ctx, self.name, body)
        check_properties(self.name, body)
        if sparse:
            source = copy.deepcopy(current)
            source.update(copy.deepcopy({k: v for k, v in body.items() if k not in SERVER_KEYS}))
        else:
            source = copy.deepcopy({k: v for k, v in body.items() if k not in SERVER_KEYS})
        obj = self.build(ctx, source, current)
        for key in SERVER_KEYS:
            obj[key] = current[key]
        result = commit_update(ctx, self.name, current, obj)
        self.after_commit(ctx, result, current)
        return result

    def delete(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        current = require_existing(ctx, self.name, body)
        self.before_remove(ctx, current)
        ctx.realm.remove(self.name, current["Id"], ctx.stamp())
        ctx.store.notify(ctx.realm, self.name, current["Id"], "Delete")
        self.after_commit(ctx, {}, current)
        return {"domain": "QBO", "status": "Deleted", "Id": current["Id"]}

    def before_remove(self, ctx: Ctx, current: JsonObj) -> None:
        """Undo links other documents hold to this one."""


def unlink_payments(ctx: Ctx, payment_entity: str, target_type: str, target_id: str) -> None:
    """A deleted or voided document drops out of the payments applied to it (they become unapplied)."""
    for pay in list(ctx.realm.table(payment_entity).values()):
        kept = [
            ln
            for ln in pay.get("Line", [])
            if not any(
                lk.get("TxnId") == target_id and lk.get("TxnType") == target_type
                for lk in ln.get("LinkedTxn", [])
            )
        ]
        if len(kept) == len(pay.get("Line", [])):
            continue
        updated = copy.deepcopy(pay)
        updated["Line"] = kept
        if payment_entity == "Payment":
            updated["UnappliedAmt"] = wire.money(
                updated["TotalAmt"] - sum((ln["Amount"] for ln in kept), ZERO)
            )
        touch(ctx, payment_entity, updated)


def missing_amount() -> Decimal:
    raise required("Amount")
