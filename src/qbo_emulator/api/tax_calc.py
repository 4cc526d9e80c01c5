"""Transaction tax (TxnTaxDetail), the two ways QuickBooks does it.

US: lines are TAX/NON; the transaction's TxnTaxCodeRef (or the customer's default) names a tax group whose
rates apply to the TAX lines; a supplied TotalTax overrides the computed amount.
Elsewhere: every line carries a real TaxCode; its sales or purchase rates apply per line, with
GlobalTaxCalculation TaxExcluded (amounts are net) or TaxInclusive (amounts include tax).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import wire
from ..faults import fault
from .base import Ctx, JsonObj, as_money, ref_value, require_object, resolve_ref

ZERO = Decimal("0.00")
MODES = ("TaxExcluded", "TaxInclusive", "NotApplicable")


@dataclass
class TaxResult:
    detail: JsonObj
    total: Decimal = ZERO
    inclusive: bool = False
    gross_total: Decimal = ZERO
    mode: str = "TaxExcluded"
    lines: list[JsonObj] = field(default_factory=list)


def _line_detail(line: JsonObj) -> JsonObj:
    for key in ("SalesItemLineDetail", "AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail"):
        if key in line:
            return dict(line[key])
    return {}


def _rates(ctx: Ctx, code_id: str, side: str) -> list[tuple[str, Decimal]]:
    code = ctx.realm.get("TaxCode", code_id) or {}
    key = "SalesTaxRateList" if side == "sales" else "PurchaseTaxRateList"
    out: list[tuple[str, Decimal]] = []
    for detail in code.get(key, {}).get("TaxRateDetail", []):
        rate_id = detail["TaxRateRef"]["value"]
        rate = ctx.realm.get("TaxRate", rate_id) or {}
        out.append((rate_id, Decimal(str(rate.get("RateValue", 0)))))
    return out


def _tax_line(rate_id: str, percent: Decimal, amount: Decimal, net: Decimal) -> JsonObj:
    return {
        "Amount": wire.money(amount),
        "DetailType": "TaxLineDetail",
        "TaxLineDetail": {
            "TaxRateRef": {"value": rate_id},
            "PercentBased": True,
            "TaxPercent": wire.number(float(percent)),
            "NetAmountTaxable": wire.money(net),
        },
    }


def _supplied(body: JsonObj) -> JsonObj:
    raw = body.get("TxnTaxDetail")
    return require_object(raw, "TxnTaxDetail") if raw is not None else {}


def compute_tax(
    ctx: Ctx, lines: list[JsonObj], body: JsonObj, customer: JsonObj | None, side: str
) -> TaxResult:
    return _us_tax(ctx, lines, body, customer) if ctx.us else _global_tax(ctx, lines, body, side)


def _us_tax(ctx: Ctx, lines: list[JsonObj], body: JsonObj, customer: JsonObj | None) -> TaxResult:
    supplied = _supplied(body)
    base = sum((ln["Amount"] for ln in lines if ref_value(_line_detail(ln), "TaxCodeRef") == "TAX"), ZERO)
    code_id = ref_value(supplied, "TxnTaxCodeRef")
    if code_id is None and base > 0 and customer is not None:
        code_id = ref_value(customer, "DefaultTaxCodeRef")
    override = supplied.get("TotalTax")
    if code_id is None:
        total = as_money(override, "TotalTax") if override is not None else ZERO
        return TaxResult({"TotalTax": total}, total)
    if code_id in ("TAX", "NON"):
        raise fault(
            "6000",
            "A business validation error has occurred while processing your request",
            "Business Validation Error: TxnTaxCodeRef must be a sales tax rate or group, not TAX or NON.",
            "TxnTaxCodeRef",
        )
    resolve_ref(ctx, "TaxCode", code_id)
    rates = _rates(ctx, code_id, "sales")
    computed = [(rid, pct, wire.money(base * pct / 100)) for rid, pct in rates]
    total = sum((amt for _r, _p, amt in computed), ZERO)
    if override is not None:
        # An explicit amount is honoured and prorated over the group's rates (remainder on the last one).
        wanted = as_money(override, "TotalTax")
        scaled: list[tuple[str, Decimal, Decimal]] = []
        running = ZERO
        for n, (rid, pct, amt) in enumerate(computed):
            share = (
                wanted - running
                if n == len(computed) - 1
                else (wire.money(wanted * amt / total) if total else ZERO)
            )
            running += share
            scaled.append((rid, pct, share))
        computed, total = scaled, wanted
    tax_lines = [_tax_line(rid, pct, amt, base) for rid, pct, amt in computed]
    detail: JsonObj = {"TxnTaxCodeRef": {"value": code_id}, "TotalTax": wire.money(total)}
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return TaxResult(detail, wire.money(total))


def _global_tax(ctx: Ctx, lines: list[JsonObj], body: JsonObj, side: str) -> TaxResult:
    mode = body.get("GlobalTaxCalculation") or "TaxExcluded"
    if mode not in MODES:
        raise fault("2170", "Invalid Enumeration", f"Invalid Enumeration : {mode}", "GlobalTaxCalculation")
    supplied = _supplied(body)
    gross_total = sum((ln["Amount"] for ln in lines), ZERO)
    if mode == "NotApplicable":
        if supplied.get("TaxLine") or supplied.get("TotalTax"):
            raise fault(
                "6170",
                "TxnTaxDetail not allowed",
                "TxnTaxDetail is not allowed when GlobalTaxCalculation is NotApplicable.",
                "TxnTaxDetail",
            )
        return TaxResult({"TotalTax": ZERO}, ZERO, False, gross_total, mode)
    per_rate: dict[str, list[Decimal]] = {}
    percents: dict[str, Decimal] = {}
    inclusive = mode == "TaxInclusive"
    for line in lines:
        detail_key = next(
            (
                k
                for k in (
                    "SalesItemLineDetail",
                    "AccountBasedExpenseLineDetail",
                    "ItemBasedExpenseLineDetail",
                )
                if k in line
            ),
            None,
        )
        if detail_key is None:
            continue
        code_id = ref_value(line[detail_key], "TaxCodeRef")
        if code_id is None:
            continue
        rates = _rates(ctx, code_id, side)
        combined = sum((pct for _r, pct in rates), Decimal(0))
        amount = line["Amount"]
        if inclusive:
            # The entered amount includes tax: QBO stores the net in Amount and the gross in TaxInclusiveAmt.
            net = wire.money(amount * 100 / (100 + combined)) if combined else amount
            line[detail_key]["TaxInclusiveAmt"] = amount
            line["Amount"] = net
        else:
            net = amount
        for rid, pct in rates:
            bucket = per_rate.setdefault(rid, [ZERO, ZERO])
            bucket[0] += net
            bucket[1] += net * pct / 100
            percents[rid] = pct
    tax_lines = [_tax_line(rid, percents[rid], amounts[1], amounts[0]) for rid, amounts in per_rate.items()]
    total = sum((wire.money(t[1]) for t in per_rate.values()), ZERO)
    if inclusive:
        net_total = sum((ln["Amount"] for ln in lines), ZERO)
        total = wire.money(gross_total - net_total)
        if tax_lines:
            # Keep the tax lines summing to the total after rounding each line's net.
            drift = total - sum((t["Amount"] for t in tax_lines), ZERO)
            tax_lines[-1]["Amount"] = wire.money(tax_lines[-1]["Amount"] + drift)
    override = supplied.get("TaxLine")
    if (
        isinstance(override, list)
        and override
        and all(isinstance(t, dict) and "Amount" in t for t in override)
    ):
        tax_lines = _override_lines(ctx, override)
        total = sum((t["Amount"] for t in tax_lines), ZERO)
    detail: dict[str, Any] = {"TotalTax": wire.money(total)}
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return TaxResult(detail, wire.money(total), inclusive, wire.money(gross_total), mode)


def _override_lines(ctx: Ctx, supplied: list[JsonObj]) -> list[JsonObj]:
    out: list[JsonObj] = []
    for raw in supplied:
        detail = require_object(raw.get("TaxLineDetail", {}), "TaxLineDetail")
        rate_id = ref_value(detail, "TaxRateRef")
        if rate_id:
            resolve_ref(ctx, "TaxRate", rate_id)
        line: JsonObj = {
            "Amount": as_money(raw["Amount"], "Amount"),
            "DetailType": "TaxLineDetail",
            "TaxLineDetail": dict(detail),
        }
        if "NetAmountTaxable" in detail:
            line["TaxLineDetail"]["NetAmountTaxable"] = as_money(
                detail["NetAmountTaxable"], "NetAmountTaxable"
            )
        out.append(line)
    return out
