"""Journal entries: balanced debits and credits, A/R and A/P lines need a customer or vendor."""

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
from .txn_common import (
    ZERO,
    Transaction,
    apply_exchange_rate,
    doc_number,
    number_lines,
    require_lines,
    txn_date,
)


class JournalEntryHandler(Transaction):
    name = "JournalEntry"
    path = "journalentry"

    def after_commit(self, ctx: Ctx, obj: JsonObj, previous: JsonObj | None) -> None:
        return None

    def build(self, ctx: Ctx, body: JsonObj, current: JsonObj | None) -> JsonObj:
        debits = credits = ZERO
        lines: list[JsonObj] = []
        for raw in require_lines(body):
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
        number_lines(lines)
        obj: JsonObj = {k: v for k, v in body.items() if k not in ("Line", "TotalAmt", "HomeTotalAmt")}
        obj["TxnDate"] = txn_date(ctx, body)
        cur = currency(ctx, body)
        obj["CurrencyRef"] = cur
        apply_exchange_rate(ctx, body, cur, obj)
        if ctx.custom_txn_numbers and body.get("DocNumber"):
            doc_number(ctx, self.name, body, current["Id"] if current else None)
        obj.setdefault("Adjustment", False)
        obj["Line"] = lines
        obj["TotalAmt"] = wire.money(debits)
        return obj


register(JournalEntryHandler())
