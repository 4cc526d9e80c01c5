"""Bills: expense lines by account or item, A/P, due dates from vendor terms, purchase-side tax."""

from __future__ import annotations

import copy

from .. import wire
from ..faults import fault, required
from .base import (
    Ctx,
    JsonObj,
    as_money,
    currency,
    display_of,
    named_ref,
    ref_value,
    register,
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
    due_date,
    line_amount,
    missing_amount,
    number_lines,
    require_lines,
    txn_date,
    unlink_payments,
)


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
        for raw in require_lines(body):
            line = copy.deepcopy(raw)
            kind = line.get("DetailType")
            if kind == "AccountBasedExpenseLineDetail":
                detail = require_object(line.get(kind, {}), kind)
                acct = ref_value(detail, "AccountRef")
                if not acct:
                    raise required("AccountRef")
                detail["AccountRef"] = named_ref(ctx, "Account", acct)
                line["Amount"] = as_money(line["Amount"], "Amount") if "Amount" in line else missing_amount()
            elif kind == "ItemBasedExpenseLineDetail":
                detail = require_object(line.get(kind, {}), kind)
                item = ref_value(detail, "ItemRef")
                if not item:
                    raise required("ItemRef")
                detail["ItemRef"] = named_ref(ctx, "Item", item)
                line["Amount"] = line_amount(detail, line)
            elif kind is None:
                raise required("DetailType", "Line.DetailType")
            else:
                raise fault("2170", "Invalid Enumeration", f"Invalid Enumeration : {kind}", "DetailType")
            if line["Amount"] < 0:
                raise fault("2290", "NegativeAmount", "Line amounts can't be negative.", "Amount")
            check_line_tax_code(ctx, detail, "TaxCodeRef")
            detail.setdefault("BillableStatus", "NotBillable")
            line[kind] = detail
            lines.append(line)
        number_lines(lines)
        obj: JsonObj = {
            k: v
            for k, v in body.items()
            if k not in ("Line", "TotalAmt", "Balance", "TxnTaxDetail", "LinkedTxn", "HomeBalance")
        }
        obj["VendorRef"] = {"value": vendor_id, "name": display_of(vendor)}
        obj["TxnDate"] = txn_date(ctx, body)
        cur = currency(ctx, body if "CurrencyRef" in body else {"CurrencyRef": vendor.get("CurrencyRef")})
        obj["CurrencyRef"] = cur
        apply_exchange_rate(ctx, body, cur, obj)
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
            txn_date(ctx, body, "DueDate") if body.get("DueDate") else due_date(ctx, obj["TxnDate"], term_id)
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
        paid = applied_amount(ctx, "BillPayment", "Bill", current["Id"]) if current else ZERO
        obj["Balance"] = wire.money(obj["TotalAmt"] - paid)
        obj["LinkedTxn"] = copy.deepcopy(current.get("LinkedTxn", [])) if current else []
        return obj

    def before_remove(self, ctx: Ctx, current: JsonObj) -> None:
        unlink_payments(ctx, "BillPayment", "Bill", current["Id"])


register(BillHandler())
