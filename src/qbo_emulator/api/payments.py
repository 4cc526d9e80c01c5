"""Payments and bill payments: applied to invoices/bills, reducing Balance and linking both ways."""

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
    require_existing,
    require_object,
    resolve_ref,
    touch,
)
from .txn_common import (
    ZERO,
    Transaction,
    applied_amount,
    apply_exchange_rate,
    refresh_party_balance,
    txn_date,
)


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
            paid = applied_amount(ctx, self.name, self.target, target_id)
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
                open_amount = doc["TotalAmt"] - applied_amount(
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
        obj["TxnDate"] = txn_date(ctx, body)
        cur = currency(ctx, body if "CurrencyRef" in body else {"CurrencyRef": customer.get("CurrencyRef")})
        obj["CurrencyRef"] = cur
        apply_exchange_rate(ctx, body, cur, obj)
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
        obj["TxnDate"] = txn_date(ctx, body)
        cur = currency(ctx, body if "CurrencyRef" in body else {"CurrencyRef": vendor.get("CurrencyRef")})
        obj["CurrencyRef"] = cur
        apply_exchange_rate(ctx, body, cur, obj)
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


register(PaymentHandler())
register(BillPaymentHandler())
