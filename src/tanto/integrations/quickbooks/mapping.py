"""Tanto orders as QuickBooks documents: pure functions from plain snapshots to request bodies.

Nothing here touches the database or the network, so every rule can be unit- and property-tested:
amounts come from tanto.core.money (the one place totals are computed), and the QuickBooks total of the
document equals the Tanto total to the cent. How tax gets there differs by country:
  * US companies: lines are TAX or NON, and TxnTaxDetail.TotalTax overrides QuickBooks' computation with
    the tax Tanto computed;
  * everywhere else: each line carries the mapped tax code, amounts are tax-exclusive, and
    TxnTaxDetail.TaxLine states the tax per QuickBooks tax rate as Tanto computed it (QuickBooks would
    otherwise round per rate, not per row, and could differ by a cent).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tanto.core.money import HUNDRED, LineInput, document_totals

UNIT_PRICE_PLACES = Decimal("0.0000001")  # QuickBooks keeps unit prices to 7 decimal places
MEMO_LIMIT = 4000
DOC_NUMBER_LIMIT = 21


class MappingError(Exception):
    """The order cannot be sent as it is; the message says what to change."""


@dataclass(frozen=True)
class TaxCode:
    code_id: str
    rate_ids: tuple[str, ...] = ()  # the QuickBooks TaxRate ids the code applies on this side
    rate_percents: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class CompanyRules:
    """What a connection's company and mappings decide about every document."""

    is_us: bool
    home_currency: str
    multi_currency: bool
    custom_txn_numbers: bool
    inventory_mode: bool
    sales_account_id: str = ""
    purchase_account_id: str = ""
    inventory_account_id: str = ""
    cogs_account_id: str = ""
    sales_tax_codes: Mapping[int | None, TaxCode] = field(default_factory=dict)  # Tanto tax rate id -> code
    purchase_tax_codes: Mapping[int | None, TaxCode] = field(default_factory=dict)


@dataclass(frozen=True)
class Address:
    line1: str = ""
    line2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""


@dataclass(frozen=True)
class Row:
    variant_id: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_rate_id: int | None
    tax_rate_percent: Decimal


@dataclass(frozen=True)
class Order:
    number: str
    created_date: datetime.date
    currency: str
    conversion_rate: Decimal
    rows: Sequence[Row]
    shipping_fee: Decimal | None = None
    shipping_tax_rate_id: int | None = None
    shipping_tax_rate_percent: Decimal = Decimal(0)
    billing: Address | None = None
    shipping: Address | None = None
    marker: str = ""  # our record's id, written into PrivateNote so a document can be found again


def _money(value: Decimal) -> float | str:
    # Amounts go out as JSON numbers with at most two decimals; Decimal -> str -> float is exact here.
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _address(address: Address | None) -> dict[str, str] | None:
    if address is None or not any(vars(address).values()):
        return None
    fields = {
        "Line1": address.line1,
        "Line2": address.line2,
        "City": address.city,
        "CountrySubDivisionCode": address.region,
        "PostalCode": address.postal_code,
        "Country": address.country,
    }
    return {key: value[:500] for key, value in fields.items() if value}


def _currency(order: Order, rules: CompanyRules) -> dict[str, Any]:
    if order.currency == rules.home_currency:
        return {}
    if not rules.multi_currency:
        raise MappingError(
            f"This order is in {order.currency} but the QuickBooks company works only in "
            f"{rules.home_currency}: turn on Multicurrency in QuickBooks (Settings → Account and settings → "
            f"Advanced → Currency), or change the order's currency."
        )
    return {"CurrencyRef": {"value": order.currency}, "ExchangeRate": float(order.conversion_rate)}


def _lines(order: Order, with_shipping: bool) -> list[LineInput]:
    lines = [LineInput(r.quantity, r.unit_price, r.discount_percent, r.tax_rate_percent) for r in order.rows]
    if with_shipping and order.shipping_fee:
        lines.append(LineInput(Decimal(1), order.shipping_fee, Decimal(0), order.shipping_tax_rate_percent))
    return lines


def _qty_and_price(row: Row, net: Decimal) -> dict[str, Any]:
    """Qty and UnitPrice such that QuickBooks' rule Amount = Qty x UnitPrice (to the cent) holds; a
    discount goes into the unit price. When no 7-place price can satisfy the rule, only the amount goes."""
    price = (row.unit_price * (HUNDRED - row.discount_percent) / HUNDRED).quantize(
        UNIT_PRICE_PLACES, ROUND_HALF_UP
    )
    if (row.quantity * price).quantize(Decimal("0.01"), ROUND_HALF_UP) != net:
        return {}
    return {"Qty": float(row.quantity), "UnitPrice": float(price)}


def _description(row: Row) -> str:
    if not row.discount_percent:
        return row.description[:4000]
    note = f"{row.discount_percent.normalize():f}% discount on {row.unit_price.normalize():f}"
    return f"{row.description} ({note})"[:4000]


def _tax_code_ref(
    rules: CompanyRules, codes: Mapping[int | None, TaxCode], rate_id: int | None, percent: Decimal
) -> str:
    if rules.is_us:
        return "TAX" if percent > 0 else "NON"
    code = codes.get(rate_id)
    if code is None:
        raise MappingError(
            "A tax rate on this order is not mapped to a QuickBooks tax code: map it under Settings → "
            "Integrations → Reconfigure → Tax types mapping."
        )
    return code.code_id


def _split(tax: Decimal, code: TaxCode) -> list[Decimal]:
    """A row's tax over the rates of its code (e.g. GST + PST) by their percents; the last rate takes the
    rounding remainder, so the shares always add up to the row's tax."""
    total_percent = sum(code.rate_percents, Decimal(0))
    shares = [
        (tax * pct / total_percent).quantize(Decimal("0.01"), ROUND_HALF_UP) if total_percent else Decimal(0)
        for pct in code.rate_percents[:-1]
    ]
    return [*shares, tax - sum(shares, Decimal(0))]


def _tax_detail(
    rules: CompanyRules,
    codes: Mapping[int | None, TaxCode],
    rate_ids: Sequence[int | None],
    nets: Sequence[Decimal],
    taxes: Sequence[Decimal],
    total_tax: Decimal,
) -> dict[str, Any]:
    if rules.is_us:
        return {"TotalTax": _money(total_tax)}
    per_rate: dict[str, list[Decimal]] = {}
    percents: dict[str, Decimal] = {}
    for rate_id, net, tax in zip(rate_ids, nets, taxes, strict=True):
        code = codes[rate_id]
        if not code.rate_ids:
            continue
        for qbo_rate, pct, share in zip(code.rate_ids, code.rate_percents, _split(tax, code), strict=True):
            bucket = per_rate.setdefault(qbo_rate, [Decimal(0), Decimal(0)])
            bucket[0] += net
            bucket[1] += share
            percents[qbo_rate] = pct
    tax_lines = [
        {
            "Amount": _money(amounts[1]),
            "DetailType": "TaxLineDetail",
            "TaxLineDetail": {
                "TaxRateRef": {"value": qbo_rate},
                "PercentBased": True,
                "TaxPercent": float(percents[qbo_rate]),
                "NetAmountTaxable": _money(amounts[0]),
            },
        }
        for qbo_rate, amounts in per_rate.items()
    ]
    detail: dict[str, Any] = {"TotalTax": _money(total_tax)}
    if tax_lines:
        detail["TaxLine"] = tax_lines
    return detail


def _header(order: Order, rules: CompanyRules, memo_label: str) -> dict[str, Any]:
    memo = f"{memo_label} {order.number}"
    body: dict[str, Any] = {
        "TxnDate": order.created_date.isoformat(),
        "PrivateNote": f"{memo} · tanto:{order.marker}"[:MEMO_LIMIT] if order.marker else memo,
        **_currency(order, rules),
    }
    if rules.custom_txn_numbers:
        body["DocNumber"] = order.number[:DOC_NUMBER_LIMIT]
    if not rules.is_us:
        body["GlobalTaxCalculation"] = "TaxExcluded"
    return body


def invoice(
    order: Order, customer_id: str, item_ids: Mapping[int, str], rules: CompanyRules
) -> dict[str, Any]:
    totals = document_totals(_lines(order, with_shipping=True))
    codes = rules.sales_tax_codes
    lines: list[dict[str, Any]] = []
    rate_ids: list[int | None] = []
    for row, line in zip(order.rows, totals.lines, strict=False):
        detail = {
            "ItemRef": {"value": item_ids[row.variant_id]},
            **_qty_and_price(row, line.net),
            "TaxCodeRef": {"value": _tax_code_ref(rules, codes, row.tax_rate_id, row.tax_rate_percent)},
        }
        lines.append(
            {
                "Amount": _money(line.net),
                "DetailType": "SalesItemLineDetail",
                "Description": _description(row),
                "SalesItemLineDetail": detail,
            }
        )
        rate_ids.append(row.tax_rate_id)
    if order.shipping_fee:
        shipping = totals.lines[len(order.rows)]
        code = _tax_code_ref(rules, codes, order.shipping_tax_rate_id, order.shipping_tax_rate_percent)
        lines.append(
            {
                "Amount": _money(shipping.net),
                "DetailType": "SalesItemLineDetail",
                "Description": "Shipping fee",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": item_ids[SHIPPING_ITEM]},
                    "Qty": 1,
                    "UnitPrice": _money(shipping.net),
                    "TaxCodeRef": {"value": code},
                },
            }
        )
        rate_ids.append(order.shipping_tax_rate_id)
    body = {
        **_header(order, rules, "Sales order"),
        "CustomerRef": {"value": customer_id},
        "CustomerMemo": {"value": f"Sales order {order.number}"},
        "Line": lines,
        "TxnTaxDetail": _tax_detail(
            rules,
            codes,
            rate_ids,
            [ln.net for ln in totals.lines],
            [ln.tax for ln in totals.lines],
            totals.tax,
        ),
    }
    for key, address in (("BillAddr", order.billing), ("ShipAddr", order.shipping)):
        if (qbo_address := _address(address)) is not None:
            body[key] = qbo_address
    return body


SHIPPING_ITEM = -1  # item_ids key of the QuickBooks item that carries shipping fees


def bill(order: Order, vendor_id: str, rules: CompanyRules) -> dict[str, Any]:
    """One line per row, booked to the mapped expense account (Simple) or inventory account."""
    totals = document_totals(_lines(order, with_shipping=False))
    account = rules.inventory_account_id if rules.inventory_mode else rules.purchase_account_id
    codes = rules.purchase_tax_codes
    lines = []
    for row, line in zip(order.rows, totals.lines, strict=True):
        detail = {
            "AccountRef": {"value": account},
            "TaxCodeRef": {"value": _tax_code_ref(rules, codes, row.tax_rate_id, row.tax_rate_percent)},
            "BillableStatus": "NotBillable",
        }
        qty = f" × {row.quantity.normalize():f} @ {row.unit_price.normalize():f}"
        lines.append(
            {
                "Amount": _money(line.net),
                "DetailType": "AccountBasedExpenseLineDetail",
                "Description": (row.description + qty)[:4000],
                "AccountBasedExpenseLineDetail": detail,
            }
        )
    body = {
        **_header(order, rules, "Purchase order"),
        "VendorRef": {"value": vendor_id},
        "Line": lines,
        "TxnTaxDetail": _tax_detail(
            rules,
            codes,
            [r.tax_rate_id for r in order.rows],
            [ln.net for ln in totals.lines],
            [ln.tax for ln in totals.lines],
            totals.tax,
        ),
    }
    return body


@dataclass(frozen=True)
class Delivery:
    order_number: str
    delivered_on: datetime.date
    cost: Decimal  # base currency, to the cent, as recorded on the fulfilment rows
    marker: str = ""


def cogs_journal(delivery: Delivery, rules: CompanyRules) -> dict[str, Any] | None:
    """Debit cost of sales, credit inventory, for the goods a delivery took out of stock (none for a
    delivery of services only: nothing was valued)."""
    if delivery.cost <= 0:
        return None
    amount = _money(delivery.cost)
    memo = f"Cost of goods delivered, sales order {delivery.order_number}"

    def line(posting: str, account: str) -> dict[str, Any]:
        return {
            "Amount": amount,
            "DetailType": "JournalEntryLineDetail",
            "Description": memo,
            "JournalEntryLineDetail": {"PostingType": posting, "AccountRef": {"value": account}},
        }

    body: dict[str, Any] = {
        "TxnDate": delivery.delivered_on.isoformat(),
        "PrivateNote": f"{memo} · tanto:{delivery.marker}" if delivery.marker else memo,
        "Line": [line("Debit", rules.cogs_account_id), line("Credit", rules.inventory_account_id)],
    }
    if rules.custom_txn_numbers:
        body["DocNumber"] = f"{delivery.order_number}-COGS"[:DOC_NUMBER_LIMIT]
    return body


def expected_total(order: Order, with_shipping: bool) -> Decimal:
    return document_totals(_lines(order, with_shipping)).total
