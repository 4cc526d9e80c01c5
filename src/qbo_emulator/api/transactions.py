"""Transactions: Invoice, CreditMemo, Bill, JournalEntry, Payment, BillPayment.

QuickBooks computes line amounts, the SubTotal line, tax (TxnTaxDetail), TotalAmt, Balance, DocNumber and
DueDate on the server; this module does the same, and keeps payments linked to what they pay.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .. import wire
from ..faults import QboFault, fault, required
from .base import (
    Ctx,
    Handler,
    JsonObj,
    as_money,
    as_number,
    check_properties,
    commit_create,
    commit_update,
    currency,
    display_of,
    named_ref,
    new_base,
    ref_value,
    register,
    require_existing,
    require_object,
    resolve_ref,
    touch,
)
from .tax_calc import compute_tax

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


def _lines(body: JsonObj) -> list[JsonObj]:
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


def _txn_date(ctx: Ctx, body: JsonObj, key: str = "TxnDate") -> str:
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


def _due_date(ctx: Ctx, txn_date: str, term_id: str | None) -> str:
    term = ctx.realm.get("Term", term_id) if term_id else None
    days = int(term.get("DueDays", 0)) if term else 0
    return (date.fromisoformat(txn_date) + timedelta(days=days)).isoformat()


def _exchange(ctx: Ctx, body: JsonObj, cur: JsonObj, out: JsonObj) -> None:
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


def _tax_code_check(ctx: Ctx, detail: JsonObj, element: str) -> str | None:
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


def _qty_price_amount(detail: JsonObj, line: JsonObj) -> Decimal:
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


def _sales_lines(ctx: Ctx, body: JsonObj) -> tuple[list[JsonObj], list[JsonObj]]:
    """Validated item lines and discount lines; a client-sent SubTotal line is recomputed."""
    items: list[JsonObj] = []
    discounts: list[JsonObj] = []
    for raw in _lines(body):
        line = copy.deepcopy(raw)
        kind = line.get("DetailType") or ("SalesItemLineDetail" if "SalesItemLineDetail" in line else None)
        if kind is None:
            raise required("DetailType", "Line.DetailType")
        if kind == "SubTotalLineDetail":
            continue
        if kind == "SalesItemLineDetail":
            detail = require_object(line.get("SalesItemLineDetail", {}), "SalesItemLineDetail")
            item_id = ref_value(detail, "ItemRef")
            if item_id:
                detail["ItemRef"] = named_ref(ctx, "Item", item_id)
            line["Amount"] = _qty_price_amount(detail, line)
            if line["Amount"] < 0:
                raise fault("2290", "NegativeAmount", "Line amounts can't be negative.", "Amount")
            _tax_code_check(ctx, detail, "TaxCodeRef")
            line["SalesItemLineDetail"] = detail
            items.append(line)
        elif kind == "DiscountLineDetail":
            detail = require_object(line.get("DiscountLineDetail", {}), "DiscountLineDetail")
            line["DiscountLineDetail"] = detail
            discounts.append(line)
        elif kind == "DescriptionOnly":
            line.setdefault("DescriptionLineDetail", {})
            line["Amount"] = as_money(line.get("Amount", 0), "Amount")
            items.append(line)
        else:
            raise fault("2170", "Invalid Enumeration", f"Invalid Enumeration : {kind}", "DetailType")
        line["DetailType"] = kind
    return items, discounts


def _number_lines(lines: list[JsonObj]) -> None:
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


def _doc_number(ctx: Ctx, entity: str, body: JsonObj, exclude: str | None) -> str | None:
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


def _applied(
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


class SalesDocument(Transaction):
    def extra_defaults(self, ctx: Ctx, obj: JsonObj) -> None:
        """Entity-specific header fields."""

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        cust_id = ref_value(body, "CustomerRef")
        if not cust_id:
            raise required("CustomerRef")
        _t, customer = resolve_ref(ctx, "Customer", cust_id)
        items, discounts = _sales_lines(ctx, body)
        cur = currency(ctx, body if "CurrencyRef" in body else {"CurrencyRef": customer.get("CurrencyRef")})
        obj: JsonObj = {
            k: v
            for k, v in body.items()
            if k
            not in ("Line", "TotalAmt", "Balance", "HomeTotalAmt", "HomeBalance", "TxnTaxDetail", "LinkedTxn")
        }
        obj["CustomerRef"] = {"value": cust_id, "name": display_of(customer)}
        obj["TxnDate"] = _txn_date(ctx, body)
        obj["CurrencyRef"] = cur
        _exchange(ctx, body, cur, obj)
        if current is None or body.get("DocNumber"):
            doc = _doc_number(ctx, self.name, body, current["Id"] if current else None)
        else:
            doc = current.get("DocNumber")
        if doc is not None:
            obj["DocNumber"] = doc
        else:
            obj.pop("DocNumber", None)
        for addr in ("BillAddr", "ShipAddr"):
            if addr not in body and customer.get(addr):
                obj[addr] = copy.deepcopy(customer[addr])
        tax = compute_tax(ctx, items, body, customer, side="sales")
        subtotal = wire.money(sum((line["Amount"] for line in items), ZERO))
        discount_total = ZERO
        for line in discounts:
            detail = line["DiscountLineDetail"]
            if detail.get("PercentBased"):
                pct = Decimal(str(as_number(detail.get("DiscountPercent", 0), "DiscountPercent")))
                line["Amount"] = wire.money(subtotal * pct / 100)
            else:
                line["Amount"] = as_money(line.get("Amount", 0), "Amount")
            discount_total += line["Amount"]
        all_lines = items + discounts
        _number_lines(items)
        for line in discounts:
            line.pop("Id", None)
        subtotal_line = {"Amount": subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
        obj["Line"] = items + [subtotal_line] + [d for d in all_lines if d in discounts]
        obj["TxnTaxDetail"] = tax.detail
        if tax.inclusive:
            total = wire.money(tax.gross_total - discount_total)
        else:
            total = wire.money(subtotal - discount_total + tax.total)
        if total < 0:
            raise fault(
                "6000",
                "A business validation error has occurred while processing your request",
                "Business Validation Error: You must set a transaction amount that is zero or more.",
                "",
            )
        obj["TotalAmt"] = total
        if not ctx.us:
            obj["GlobalTaxCalculation"] = tax.mode
        obj.setdefault("ApplyTaxAfterDiscount", False)
        obj.setdefault("PrintStatus", "NeedToPrint")
        obj.setdefault("EmailStatus", "NotSet")
        obj["LinkedTxn"] = copy.deepcopy(current.get("LinkedTxn", [])) if current else []
        if ctx.us:
            obj.setdefault("CustomField", [{"DefinitionId": "1", "Name": "Crew #", "Type": "StringType"}])
        self.extra_defaults(ctx, obj)
        if ctx.multi_currency:
            rate = Decimal(str(obj.get("ExchangeRate", 1)))
            obj["HomeTotalAmt"] = wire.money(total * rate)
        return obj


class InvoiceHandler(SalesDocument):
    name = "Invoice"
    path = "invoice"
    voidable = True

    def extra_defaults(self, ctx: Ctx, obj: JsonObj) -> None:
        for flag in (
            "AllowIPNPayment",
            "AllowOnlinePayment",
            "AllowOnlineCreditCardPayment",
            "AllowOnlineACHPayment",
        ):
            obj.setdefault(flag, False)
        customer = ctx.realm.get("Customer", obj["CustomerRef"]["value"]) or {}
        term_id = (
            ref_value(obj, "SalesTermRef")
            or ref_value(customer, "SalesTermRef")
            or ref_value(ctx.prefs.get("SalesFormsPrefs", {}), "DefaultTerms")
        )
        if ref_value(obj, "SalesTermRef"):
            obj["SalesTermRef"] = named_ref(ctx, "Term", str(term_id))
        if obj.get("DueDate"):
            obj["DueDate"] = _txn_date(ctx, obj, "DueDate")
        else:
            obj["DueDate"] = _due_date(ctx, obj["TxnDate"], term_id)
        paid = _applied(ctx, "Payment", "Invoice", obj.get("Id", "")) if obj.get("Id") else ZERO
        obj["Balance"] = wire.money(obj["TotalAmt"] - paid)
        if obj["Balance"] < 0:
            raise fault(
                "6000",
                "A business validation error has occurred while processing your request",
                "Business Validation Error: The invoice total can't be less than the payments applied.",
                "",
            )

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        # Balance needs the invoice's own Id to find the payments applied to it.
        obj = super().build(ctx, dict(body, Id=current["Id"]) if current else body, current)
        if current is None:
            obj.pop("Id", None)
        return obj

    def void(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        current = require_existing(ctx, self.name, body)
        self.before_remove(ctx, current)
        voided = copy.deepcopy(current)
        for line in voided.get("Line", []):
            line["Amount"] = ZERO
        voided["TotalAmt"] = ZERO
        voided["Balance"] = ZERO
        voided["TxnTaxDetail"] = {"TotalTax": ZERO}
        voided["PrivateNote"] = "Voided"
        voided["LinkedTxn"] = []
        voided["SyncToken"] = str(int(current["SyncToken"]) + 1)
        voided["MetaData"] = dict(current["MetaData"], LastUpdatedTime=ctx.stamp())
        ctx.realm.put(self.name, voided)
        ctx.store.notify(ctx.realm, self.name, voided["Id"], "Void")
        self.after_commit(ctx, voided, current)
        return voided

    def before_remove(self, ctx: Ctx, current: JsonObj) -> None:
        unlink_payments(ctx, "Payment", "Invoice", current["Id"])


class CreditMemoHandler(SalesDocument):
    name = "CreditMemo"
    path = "creditmemo"

    def extra_defaults(self, ctx: Ctx, obj: JsonObj) -> None:
        obj["Balance"] = obj["TotalAmt"]
        obj["RemainingCredit"] = obj["TotalAmt"]


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


class BillHandler(Transaction):
    name = "Bill"
    path = "bill"
    party = "Vendor"
    party_ref = "VendorRef"

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        vendor_id = ref_value(body, "VendorRef")
        if not vendor_id:
            raise required("VendorRef")
        _t, vendor = resolve_ref(ctx, "Vendor", vendor_id)
        lines: list[JsonObj] = []
        for raw in _lines(body):
            line = copy.deepcopy(raw)
            kind = line.get("DetailType")
            if kind == "AccountBasedExpenseLineDetail":
                detail = require_object(line.get(kind, {}), kind)
                acct = ref_value(detail, "AccountRef")
                if not acct:
                    raise required("AccountRef")
                detail["AccountRef"] = named_ref(ctx, "Account", acct)
                line["Amount"] = as_money(line["Amount"], "Amount") if "Amount" in line else _missing_amount()
            elif kind == "ItemBasedExpenseLineDetail":
                detail = require_object(line.get(kind, {}), kind)
                item = ref_value(detail, "ItemRef")
                if not item:
                    raise required("ItemRef")
                detail["ItemRef"] = named_ref(ctx, "Item", item)
                line["Amount"] = _qty_price_amount(detail, line)
            elif kind is None:
                raise required("DetailType", "Line.DetailType")
            else:
                raise fault("2170", "Invalid Enumeration", f"Invalid Enumeration : {kind}", "DetailType")
            if line["Amount"] < 0:
                raise fault("2290", "NegativeAmount", "Line amounts can't be negative.", "Amount")
            _tax_code_check(ctx, detail, "TaxCodeRef")
            detail.setdefault("BillableStatus", "NotBillable")
            line[kind] = detail
            lines.append(line)
        _number_lines(lines)
        obj: JsonObj = {
            k: v
            for k, v in body.items()
            if k not in ("Line", "TotalAmt", "Balance", "TxnTaxDetail", "LinkedTxn", "HomeBalance")
        }
        obj["VendorRef"] = {"value": vendor_id, "name": display_of(vendor)}
        obj["TxnDate"] = _txn_date(ctx, body)
        cur = currency(ctx, body if "CurrencyRef" in body else {"CurrencyRef": vendor.get("CurrencyRef")})
        obj["CurrencyRef"] = cur
        _exchange(ctx, body, cur, obj)
        ap = ref_value(body, "APAccountRef") or next(
            (
                a["Id"]
                for a in ctx.realm.table("Account").values()
                if a.get("AccountType") == "Accounts Payable"
            ),
            None,
        )
        if ap:
            obj["APAccountRef"] = named_ref(ctx, "Account", ap)
        term_id = (
            ref_value(body, "SalesTermRef")
            or ref_value(vendor, "TermRef")
            or ref_value(ctx.prefs.get("VendorAndPurchasesPrefs", {}), "DefaultTerms")
        )
        if ref_value(body, "SalesTermRef"):
            obj["SalesTermRef"] = {"value": term_id}
        obj["DueDate"] = (
            _txn_date(ctx, body, "DueDate")
            if body.get("DueDate")
            else _due_date(ctx, obj["TxnDate"], term_id)
        )
        if "DocNumber" in body and body["DocNumber"] is not None:
            obj["DocNumber"] = str(body["DocNumber"])
        tax = compute_tax(ctx, lines, body, None, side="purchase")
        net = wire.money(sum((ln["Amount"] for ln in lines), ZERO))
        obj["Line"] = lines
        obj["TxnTaxDetail"] = tax.detail
        if not ctx.us:
            obj["GlobalTaxCalculation"] = tax.mode
        obj["TotalAmt"] = wire.money(tax.gross_total) if tax.inclusive else wire.money(net + tax.total)
        paid = _applied(ctx, "BillPayment", "Bill", current["Id"]) if current else ZERO
        obj["Balance"] = wire.money(obj["TotalAmt"] - paid)
        obj["LinkedTxn"] = copy.deepcopy(current.get("LinkedTxn", [])) if current else []
        return obj

    def before_remove(self, ctx: Ctx, current: JsonObj) -> None:
        unlink_payments(ctx, "BillPayment", "Bill", current["Id"])


def _missing_amount() -> Decimal:
    raise required("Amount")


class JournalEntryHandler(Transaction):
    name = "JournalEntry"
    path = "journalentry"

    def after_commit(self, ctx: Ctx, obj: JsonObj, previous: JsonObj | None) -> None:
        return None

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        debits = credits = ZERO
        lines: list[JsonObj] = []
        for raw in _lines(body):
            line = copy.deepcopy(raw)
            if line.get("DetailType") not in (None, "JournalEntryLineDetail", "DescriptionOnly"):
                raise fault(
                    "2170",
                    "Invalid Enumeration",
                    f"Invalid Enumeration : {line.get('DetailType')}",
                    "DetailType",
                )
            line["DetailType"] = line.get("DetailType") or "JournalEntryLineDetail"
            if line["DetailType"] == "DescriptionOnly":
                lines.append(line)
                continue
            detail = require_object(line.get("JournalEntryLineDetail"), "JournalEntryLineDetail")
            posting = detail.get("PostingType")
            if posting is None:
                raise fault(
                    "2260",
                    "MissingPostingType",
                    "PostingType is required on every journal entry line.",
                    "PostingType",
                )
            if posting not in ("Debit", "Credit"):
                raise fault("2170", "Invalid Enumeration", f"Invalid Enumeration : {posting}", "PostingType")
            acct_id = ref_value(detail, "AccountRef")
            if not acct_id:
                raise required("AccountRef")
            detail["AccountRef"] = named_ref(ctx, "Account", acct_id)
            account = ctx.realm.get("Account", acct_id) or {}
            entity = detail.get("Entity")
            entity_type = None
            if entity is not None:
                entity = require_object(entity, "Entity")
                ent_id = ref_value(entity, "EntityRef")
                entity_type = entity.get("Type")
                if not ent_id or entity_type not in ("Customer", "Vendor", "Employee"):
                    raise required("Entity.EntityRef")
                _t, party = (
                    resolve_ref(ctx, entity_type, ent_id)
                    if entity_type != "Employee"
                    else resolve_ref(ctx, "Name", ent_id)
                )
                entity["EntityRef"] = {"value": ent_id, "name": display_of(party)}
            if account.get("AccountType") == "Accounts Receivable" and entity_type != "Customer":
                raise fault(
                    "6000",
                    "A business validation error has occurred while processing your request",
                    "Business Validation Error: When you use Accounts Receivable, you must choose a "
                    "customer in the Name field.",
                    "",
                )
            if account.get("AccountType") == "Accounts Payable" and entity_type != "Vendor":
                raise fault(
                    "6000",
                    "A business validation error has occurred while processing your request",
                    "Business Validation Error: When you use Accounts Payable, you must select a vendor "
                    "in the Name field.",
                    "",
                )
            if "Amount" not in line:
                raise required("Amount")
            line["Amount"] = as_money(line["Amount"], "Amount")
            if line["Amount"] < 0:
                raise fault("2290", "NegativeAmount", "Line amounts can't be negative.", "Amount")
            if posting == "Debit":
                debits += line["Amount"]
            else:
                credits += line["Amount"]
            line["JournalEntryLineDetail"] = detail
            lines.append(line)
        if debits != credits:
            raise fault(
                "2300",
                "Amount on debits not equal to credits",
                f"Your transaction isn't in balance. Make sure the debits ({debits}) and credits "
                f"({credits}) are equal.",
                "",
            )
        _number_lines(lines)
        obj: JsonObj = {k: v for k, v in body.items() if k not in ("Line", "TotalAmt", "HomeTotalAmt")}
        obj["TxnDate"] = _txn_date(ctx, body)
        cur = currency(ctx, body)
        obj["CurrencyRef"] = cur
        _exchange(ctx, body, cur, obj)
        if ctx.custom_txn_numbers and body.get("DocNumber"):
            _doc_number(ctx, self.name, body, current["Id"] if current else None)
        obj.setdefault("Adjustment", False)
        obj["Line"] = lines
        obj["TotalAmt"] = wire.money(debits)
        return obj


class PaymentBase(Transaction):
    """Payment (customer → invoices) and BillPayment (company → bills) share the linking logic."""

    target = "Invoice"
    link_type = "Payment"
    voidable = True

    def link_type_for(self, obj: JsonObj) -> str:
        return self.link_type

    def apply_links(self, ctx: Ctx, obj: JsonObj, previous: JsonObj | None) -> None:
        """Recompute target balances and their LinkedTxn lists from the payment's lines."""
        targets: set[str] = set()
        for doc in (previous, obj):
            for line in (doc or {}).get("Line", []):
                targets.update(
                    lk["TxnId"] for lk in line.get("LinkedTxn", []) if lk.get("TxnType") == self.target
                )
        payment_id = (obj or previous or {}).get("Id", "")
        link = {"TxnId": payment_id, "TxnType": self.link_type_for(obj or previous or {})}
        for target_id in sorted(targets):
            doc = ctx.realm.get(self.target, target_id)
            if doc is None:
                continue
            updated = copy.deepcopy(doc)
            paid = _applied(ctx, self.name, self.target, target_id)
            updated["Balance"] = wire.money(updated["TotalAmt"] - paid)
            still_linked = any(
                lk.get("TxnId") == target_id
                for ln in (obj or {}).get("Line", [])
                for lk in ln.get("LinkedTxn", [])
            )
            others = [lk for lk in updated.get("LinkedTxn", []) if lk.get("TxnId") != payment_id]
            updated["LinkedTxn"] = others + ([link] if still_linked and obj else [])
            if updated != doc:
                touch(ctx, self.target, updated)
            refresh_party_balance(
                ctx,
                "Customer" if self.target == "Invoice" else "Vendor",
                updated.get(self.party_ref, {}).get("value"),
            )

    def build_lines(self, ctx: Ctx, body: JsonObj, party_id: str, current: JsonObj | None) -> list[JsonObj]:
        lines: list[JsonObj] = []
        for raw in body.get("Line", []) or []:
            line = copy.deepcopy(require_object(raw, "Line"))
            if "Amount" not in line:
                raise required("Amount")
            line["Amount"] = as_money(line["Amount"], "Amount")
            links = line.get("LinkedTxn")
            if not isinstance(links, list) or not links:
                raise required("LinkedTxn")
            for link in links:
                require_object(link, "LinkedTxn")
                txn_id, txn_type = str(link.get("TxnId", "")), link.get("TxnType")
                if txn_type != self.target:
                    raise fault(
                        "620",
                        "Txn ID Cannot Be Linked",
                        f"Transaction {txn_type} {txn_id} can't be linked to a {self.name}.",
                        "LinkedTxn",
                    )
                doc = ctx.realm.get(self.target, txn_id)
                if doc is None:
                    raise fault(
                        "2500",
                        "Invalid Reference Id",
                        f"Invalid Reference Id : Txns element id {txn_id} not found",
                        "LinkedTxn",
                    )
                if doc.get(self.party_ref, {}).get("value") != party_id:
                    raise fault(
                        "6000",
                        "A business validation error has occurred while processing your request",
                        f"Business Validation Error: {self.target} {txn_id} belongs to someone else.",
                        "",
                    )
                open_amount = doc["TotalAmt"] - _applied(
                    ctx, self.name, self.target, txn_id, skip=current["Id"] if current else None
                )
                if line["Amount"] > open_amount:
                    raise fault(
                        "6000",
                        "A business validation error has occurred while processing your request",
                        f"Business Validation Error: The payment amount {line['Amount']} is more than the "
                        f"open balance {wire.money(open_amount)} of {self.target} {txn_id}.",
                        "",
                    )
                link["TxnId"] = txn_id
            lines.append(line)
        return lines

    def after_commit(self, ctx: Ctx, obj: JsonObj, previous: JsonObj | None) -> None:
        self.apply_links(ctx, obj, previous)

    def void(self, ctx: Ctx, body: JsonObj) -> JsonObj:
        current = require_existing(ctx, self.name, body)
        voided = copy.deepcopy(current)
        for line in voided.get("Line", []):
            line["Amount"] = ZERO
        voided["Line"] = [ln for ln in voided.get("Line", [])]
        voided["TotalAmt"] = ZERO
        if "UnappliedAmt" in voided:
            voided["UnappliedAmt"] = ZERO
        voided["PrivateNote"] = "Voided"
        voided["SyncToken"] = str(int(current["SyncToken"]) + 1)
        voided["MetaData"] = dict(current["MetaData"], LastUpdatedTime=ctx.stamp())
        voided["Line"] = []
        ctx.realm.put(self.name, voided)
        ctx.store.notify(ctx.realm, self.name, voided["Id"], "Void")
        self.apply_links(ctx, voided, current)
        return voided


class PaymentHandler(PaymentBase):
    name = "Payment"
    path = "payment"

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        cust_id = ref_value(body, "CustomerRef")
        if not cust_id:
            raise required("CustomerRef")
        _t, customer = resolve_ref(ctx, "Customer", cust_id)
        if "TotalAmt" not in body:
            raise required("TotalAmt")
        total = as_money(body["TotalAmt"], "TotalAmt")
        if total < 0:
            raise fault("2290", "NegativeAmount", "TotalAmt can't be negative.", "TotalAmt")
        lines = self.build_lines(ctx, body, cust_id, current)
        applied = wire.money(sum((ln["Amount"] for ln in lines), ZERO))
        if applied > total:
            raise fault(
                "6000",
                "A business validation error has occurred while processing your request",
                "Business Validation Error: The amount applied to invoices is more than the payment total.",
                "",
            )
        obj: JsonObj = {k: v for k, v in body.items() if k not in ("Line", "UnappliedAmt")}
        obj["CustomerRef"] = {"value": cust_id, "name": display_of(customer)}
        obj["TxnDate"] = _txn_date(ctx, body)
        cur = currency(ctx, body if "CurrencyRef" in body else {"CurrencyRef": customer.get("CurrencyRef")})
        obj["CurrencyRef"] = cur
        _exchange(ctx, body, cur, obj)
        deposit = ref_value(body, "DepositToAccountRef") or next(
            (
                a["Id"]
                for a in ctx.realm.table("Account").values()
                if a.get("AccountSubType") == "UndepositedFunds"
            ),
            None,
        )
        if deposit:
            obj["DepositToAccountRef"] = {"value": deposit}
            resolve_ref(ctx, "Account", deposit)
        ar = ref_value(body, "ARAccountRef")
        if ar:
            obj["ARAccountRef"] = named_ref(ctx, "Account", ar)
        obj["TotalAmt"] = total
        obj["UnappliedAmt"] = wire.money(total - applied)
        obj.setdefault("ProcessPayment", False)
        obj["Line"] = lines
        obj.setdefault("LinkedTxn", [])
        return obj


class BillPaymentHandler(PaymentBase):
    name = "BillPayment"
    path = "billpayment"
    target = "Bill"
    party = "Vendor"
    party_ref = "VendorRef"

    def link_type_for(self, obj: JsonObj) -> str:
        return "BillPaymentCreditCard" if obj.get("PayType") == "CreditCard" else "BillPaymentCheck"

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        vendor_id = ref_value(body, "VendorRef")
        if not vendor_id:
            raise required("VendorRef")
        _t, vendor = resolve_ref(ctx, "Vendor", vendor_id)
        pay_type = body.get("PayType")
        if pay_type is None:
            raise required("PayType")
        if pay_type not in ("Check", "CreditCard"):
            raise fault("2170", "Invalid Enumeration", f"Invalid Enumeration : {pay_type}", "PayType")
        obj: JsonObj = {k: v for k, v in body.items() if k != "Line"}
        if pay_type == "Check":
            check = require_object(body.get("CheckPayment", {}), "CheckPayment")
            bank = ref_value(check, "BankAccountRef")
            if not bank:
                raise required("CheckPayment.BankAccountRef", "BankAccountRef")
            obj["CheckPayment"] = dict(check, BankAccountRef=named_ref(ctx, "Account", bank))
            obj["CheckPayment"].setdefault("PrintStatus", "NeedToPrint")
        else:
            card = require_object(body.get("CreditCardPayment", {}), "CreditCardPayment")
            acct = ref_value(card, "CCAccountRef")
            if not acct:
                raise required("CreditCardPayment.CCAccountRef", "CCAccountRef")
            obj["CreditCardPayment"] = dict(card, CCAccountRef=named_ref(ctx, "Account", acct))
        if "TotalAmt" not in body:
            raise required("TotalAmt")
        total = as_money(body["TotalAmt"], "TotalAmt")
        lines = self.build_lines(ctx, body, vendor_id, current)
        applied = wire.money(sum((ln["Amount"] for ln in lines), ZERO))
        if applied > total:
            raise fault(
                "6000",
                "A business validation error has occurred while processing your request",
                "Business Validation Error: The amount applied to bills is more than the payment total.",
                "",
            )
        obj["VendorRef"] = {"value": vendor_id, "name": display_of(vendor)}
        obj["TxnDate"] = _txn_date(ctx, body)
        cur = currency(ctx, body if "CurrencyRef" in body else {"CurrencyRef": vendor.get("CurrencyRef")})
        obj["CurrencyRef"] = cur
        _exchange(ctx, body, cur, obj)
        ap = next(
            (
                a["Id"]
                for a in ctx.realm.table("Account").values()
                if a.get("AccountType") == "Accounts Payable"
            ),
            None,
        )
        if ap and "APAccountRef" not in obj:
            obj["APAccountRef"] = named_ref(ctx, "Account", ap)
        obj["TotalAmt"] = total
        obj["Line"] = lines
        return obj


def wrap_fault(exc: Exception) -> QboFault:
    return (
        exc
        if isinstance(exc, QboFault)
        else fault("2010", "Request has invalid or unsupported property", str(exc))
    )


register(InvoiceHandler())
register(CreditMemoHandler())
register(BillHandler())
register(JournalEntryHandler())
register(PaymentHandler())
register(BillPaymentHandler())
