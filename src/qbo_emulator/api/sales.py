"""Sales documents: Invoice and CreditMemo (line amounts, SubTotal, tax, DocNumber, DueDate, addresses)."""

from __future__ import annotations

import copy
from decimal import Decimal

from .. import wire
from ..faults import fault, required
from .base import (
    Ctx,
    JsonObj,
    as_money,
    as_number,
    currency,
    display_of,
    named_ref,
    ref_value,
    register,
    require_existing,
    require_object,
    resolve_ref,
)
from .tax_calc import compute_tax
from .txn_common import (
    ZERO,
    Transaction,
    applied_amount,
    apply_exchange_rate,
    check_line_tax_code,
    doc_number,
    due_date,
    line_amount,
    number_lines,
    require_lines,
    txn_date,
    unlink_payments,
)


def _sales_lines(ctx: Ctx, body: JsonObj) -> tuple[list[JsonObj], list[JsonObj]]:
    """Validated item lines and discount lines; a client-sent SubTotal line is recomputed."""
    items: list[JsonObj] = []
    discounts: list[JsonObj] = []
    for raw in require_lines(body):
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
            line["Amount"] = line_amount(detail, line)
            if line["Amount"] < 0:
                raise fault("2290", "NegativeAmount", "Line amounts can't be negative.", "Amount")
            check_line_tax_code(ctx, detail, "TaxCodeRef")
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
        obj["TxnDate"] = txn_date(ctx, body)
        obj["CurrencyRef"] = cur
        apply_exchange_rate(ctx, body, cur, obj)
        if current is None or body.get("DocNumber"):
            doc = doc_number(ctx, self.name, body, current["Id"] if current else None)
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
        number_lines(items)
        for line in discounts:
            line.pop("Id", None)
        # QBO appends its SubTotal line after the item lines; discounts follow it.
        subtotal_line = {"Amount": subtotal, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
        obj["Line"] = [*items, subtotal_line, *discounts]
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
            obj["DueDate"] = txn_date(ctx, obj, "DueDate")
        else:
            obj["DueDate"] = due_date(ctx, obj["TxnDate"], term_id)
        paid = applied_amount(ctx, "Payment", "Invoice", obj.get("Id", "")) if obj.get("Id") else ZERO
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


register(InvoiceHandler())
register(CreditMemoHandler())
