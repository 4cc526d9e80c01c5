"""The pure mapping from Tanto orders to QuickBooks request bodies."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanto.core.money import document_totals
from tanto.integrations.quickbooks import mapping
from tanto.integrations.quickbooks.mapping import SHIPPING_ITEM, CompanyRules, Delivery, Order, Row, TaxCode

D = Decimal
ZERO = Decimal(0)
DAY = datetime.date(2026, 11, 3)
US = CompanyRules(
    is_us=True,
    home_currency="USD",
    multi_currency=False,
    custom_txn_numbers=False,
    inventory_mode=False,
    sales_account_id="79",
    purchase_account_id="80",
)
UK_CODES = {
    1: TaxCode("3", ("8",), (D(20),)),
    2: TaxCode("5", ("10",), (D(5),)),
    None: TaxCode("7", ("12",), (D(0),)),
}
UK = CompanyRules(
    is_us=False,
    home_currency="GBP",
    multi_currency=True,
    custom_txn_numbers=True,
    inventory_mode=True,
    sales_account_id="1",
    inventory_account_id="2",
    cogs_account_id="3",
    sales_tax_codes=UK_CODES,
    purchase_tax_codes=UK_CODES,
)
ITEMS = {10: "100", 11: "101", SHIPPING_ITEM: "199"}


def order(rows, currency="USD", shipping=None, shipping_rate=(None, ZERO)) -> Order:
    return Order(
        number="SO-0042",
        created_date=DAY,
        currency=currency,
        conversion_rate=D("1.25"),
        rows=rows,
        shipping_fee=shipping,
        shipping_tax_rate_id=shipping_rate[0],
        shipping_tax_rate_percent=shipping_rate[1],
        marker="abc-123",
    )


def money(value: float) -> Decimal:
    return D(str(value))


def test_us_invoice_lines_are_tax_or_non_and_the_total_tax_is_tantos():
    rows = [
        Row(10, "Oak table", D(2), D("420"), D(0), 1, D("8.875")),
        Row(11, "Fitting", D(1), D("60"), D(0), None, D(0)),
    ]
    body = mapping.invoice(order(rows), "58", ITEMS, US)
    lines = body["Line"]
    assert [ln["SalesItemLineDetail"]["TaxCodeRef"]["value"] for ln in lines] == ["TAX", "NON"]
    assert body["TxnTaxDetail"] == {"TotalTax": 74.55}  # 840 x 8.875% = 74.55
    assert "DocNumber" not in body  # QuickBooks numbers it: custom transaction numbers are off
    assert (
        body["TxnDate"] == "2026-11-03"
        and "SO-0042" in body["PrivateNote"]
        and "tanto:abc-123" in body["PrivateNote"]
    )
    assert body["CustomerRef"] == {"value": "58"} and "GlobalTaxCalculation" not in body


def test_a_foreign_currency_order_is_refused_when_multicurrency_is_off():
    rows = [Row(10, "Oak table", D(1), D(10), D(0), None, D(0))]
    with pytest.raises(mapping.MappingError, match="Multicurrency"):
        mapping.invoice(order(rows, currency="EUR"), "58", ITEMS, US)


def test_uk_invoice_states_tax_per_rate_and_keeps_the_order_number():
    rows = [
        Row(10, "Oak table", D(3), D("19.99"), D(10), 1, D(20)),
        Row(11, "Chair", D(1), D("0.05"), D(0), 2, D(5)),
    ]
    body = mapping.invoice(
        order(rows, currency="EUR", shipping=D("25"), shipping_rate=(1, D(20))), "7", ITEMS, UK
    )
    assert body["DocNumber"] == "SO-0042"
    assert body["CurrencyRef"] == {"value": "EUR"} and body["ExchangeRate"] == 1.25
    assert body["GlobalTaxCalculation"] == "TaxExcluded"
    codes = [ln["SalesItemLineDetail"]["TaxCodeRef"]["value"] for ln in body["Line"]]
    assert codes == ["3", "5", "3"]
    tax_lines = {t["TaxLineDetail"]["TaxRateRef"]["value"]: t for t in body["TxnTaxDetail"]["TaxLine"]}
    # row 1: 53.97 net, 10.79 tax; shipping 25.00 net, 5.00 tax; row 2: 0.05 net, 0.00 tax (0.0025 -> 0.00)
    assert money(tax_lines["8"]["Amount"]) == D("15.79") and money(
        tax_lines["8"]["TaxLineDetail"]["NetAmountTaxable"]
    ) == D("78.97")
    assert money(tax_lines["10"]["Amount"]) == D("0.00")
    assert money(body["TxnTaxDetail"]["TotalTax"]) == D("15.79")
    discounted = body["Line"][0]
    assert "10% discount" in discounted["Description"]
    detail = discounted["SalesItemLineDetail"]
    assert (money(detail["Qty"]) * money(detail["UnitPrice"])).quantize(D("0.01"), ROUND_HALF_UP) == money(
        discounted["Amount"]
    )


def test_an_unmapped_tax_rate_is_refused_with_what_to_do():
    rows = [Row(10, "Oak table", D(1), D(10), D(0), 99, D(20))]
    with pytest.raises(mapping.MappingError, match="Tax types mapping"):
        mapping.invoice(order(rows, currency="GBP"), "7", ITEMS, UK)


def test_bills_go_to_the_inventory_account_in_inventory_mode_and_expense_otherwise():
    rows = [Row(10, "Oak board", D(10), D("24.5"), D(0), 1, D(20))]
    inventory = mapping.bill(order(rows, currency="GBP"), "9", UK)
    assert inventory["Line"][0]["AccountBasedExpenseLineDetail"]["AccountRef"] == {"value": "2"}
    assert inventory["VendorRef"] == {"value": "9"} and money(inventory["TxnTaxDetail"]["TotalTax"]) == D(
        "49.00"
    )
    simple = mapping.bill(order([Row(10, "Oak board", D(1), D(5), D(0), None, D(0))]), "9", US)
    assert simple["Line"][0]["AccountBasedExpenseLineDetail"]["AccountRef"] == {"value": "80"}


def test_cogs_journal_balances_and_is_skipped_when_nothing_was_valued():
    body = mapping.cogs_journal(Delivery("SO-0042", DAY, D("86.91"), "m"), UK)
    assert body is not None
    debit, credit = body["Line"]
    assert debit["JournalEntryLineDetail"] == {"PostingType": "Debit", "AccountRef": {"value": "3"}}
    assert credit["JournalEntryLineDetail"] == {"PostingType": "Credit", "AccountRef": {"value": "2"}}
    assert debit["Amount"] == credit["Amount"] == 86.91
    assert mapping.cogs_journal(Delivery("SO-0042", DAY, D(0)), UK) is None


rows_strategy = st.lists(
    st.builds(
        Row,
        st.sampled_from([10, 11]),
        st.just("Item"),
        st.decimals(min_value=D("0.0001"), max_value=D(500), places=4),
        st.decimals(min_value=D(0), max_value=D(5000), places=4),
        st.decimals(min_value=D(0), max_value=D(100), places=2),
        st.sampled_from([1, 2, None]),
        st.just(D(0)),
    ),
    min_size=1,
    max_size=8,
)


@given(rows_strategy)
def test_line_amounts_and_tax_add_up_to_the_tanto_total(rows):
    rates = {1: D(20), 2: D(5), None: D(0)}
    rows = [
        Row(
            r.variant_id,
            r.description,
            r.quantity,
            r.unit_price,
            r.discount_percent,
            r.tax_rate_id,
            rates[r.tax_rate_id],
        )
        for r in rows
    ]
    body = mapping.invoice(order(rows, currency="GBP"), "7", ITEMS, UK)
    net = sum((money(ln["Amount"]) for ln in body["Line"]), D(0))
    tax = sum((money(t["Amount"]) for t in body["TxnTaxDetail"].get("TaxLine", [])), D(0))
    expected = document_totals(mapping._lines(order(rows), with_shipping=True))
    assert net == expected.subtotal and tax == expected.tax
    for line in body["Line"]:
        detail = line["SalesItemLineDetail"]
        if "Qty" in detail:
            assert (money(detail["Qty"]) * money(detail["UnitPrice"])).quantize(
                D("0.01"), ROUND_HALF_UP
            ) == money(line["Amount"])
