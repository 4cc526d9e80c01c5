"""Money arithmetic for documents: the one place that decides how totals are computed and rounded.

The rule (what Tanto shows, stores and sends to accounting is always this):
  * a row's net amount = quantity x unit price x (1 - discount% / 100), rounded half-up to the cent;
  * a row's tax = its net amount x tax rate% / 100, rounded half-up to the cent (tax per row);
  * a shipping fee is a row of quantity 1 with no discount;
  * subtotal = the sum of net amounts; tax = the sum of row taxes; total = subtotal + tax.
Because every row is rounded before summing, subtotal + tax = total holds exactly, always.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    tax_rate_percent: Decimal = Decimal(0)


@dataclass(frozen=True)
class LineTotals:
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


@dataclass(frozen=True)
class DocumentTotals:
    lines: tuple[LineTotals, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal


def line_totals(line: LineInput) -> LineTotals:
    gross_before_discount = line.quantity * line.unit_price
    net = round_money(gross_before_discount * (HUNDRED - line.discount_percent) / HUNDRED)
    tax = round_money(net * line.tax_rate_percent / HUNDRED)
    return LineTotals(net=net, tax=tax)


def document_totals(lines: Iterable[LineInput]) -> DocumentTotals:
    computed = tuple(line_totals(line) for line in lines)
    subtotal = sum((line.net for line in computed), ZERO)
    tax = sum((line.tax for line in computed), ZERO)
    return DocumentTotals(lines=computed, subtotal=subtotal, tax=tax, total=subtotal + tax)
