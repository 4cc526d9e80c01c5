"""Document totals: the rounding rule (per row, half-up to the cent, tax per row) and its consequences."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanto.core.money import LineInput, document_totals, line_totals, round_money

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "rate", "net", "tax"),
    [
        # hand-checked: 3 x 19.99 = 59.97; 20% VAT = 11.994 -> 11.99
        ("3", "19.99", "0", "20", "59.97", "11.99"),
        # 2 x 10.005 = 20.01; half-up at the cent
        ("2", "10.005", "0", "0", "20.01", "0.00"),
        # 1 x 0.125 = 0.125 -> 0.13 (half-up, not banker's 0.12)
        ("1", "0.125", "0", "0", "0.13", "0.00"),
        # 7 x 12.3456 = 86.4192, 15% off = 73.45632 -> 73.46; 8.875% = 6.5195... -> 6.52
        ("7", "12.3456", "15", "8.875", "73.46", "6.52"),
        # tax exactly on the half cent: 0.10 x 5% = 0.005 -> 0.01
        ("1", "0.10", "0", "5", "0.10", "0.01"),
        # 100% discount
        ("4", "250", "100", "20", "0.00", "0.00"),
        # fractional quantity: 2.5 x 3.3333 = 8.33325 -> 8.33; 20% = 1.666 -> 1.67
        ("2.5", "3.3333", "0", "20", "8.33", "1.67"),
    ],
)
def test_hand_checked_rows(quantity: str, price: str, discount: str, rate: str, net: str, tax: str) -> None:
    totals = line_totals(LineInput(D(quantity), D(price), D(discount), D(rate)))
    assert (totals.net, totals.tax) == (D(net), D(tax))


def test_document_tax_is_the_sum_of_row_taxes_not_tax_on_the_sum() -> None:
    # Three rows of 0.05 at 10%: each row's tax is 0.005 -> 0.01, so 0.03 in all; tax on the
    # subtotal (0.15 x 10% = 0.015 -> 0.02) would differ. The rule is per row.
    totals = document_totals([LineInput(D(1), D("0.05"), D(0), D(10))] * 3)
    assert (totals.subtotal, totals.tax, totals.total) == (D("0.15"), D("0.03"), D("0.18"))


def test_an_empty_document_is_zero() -> None:
    totals = document_totals([])
    assert (totals.subtotal, totals.tax, totals.total) == (D("0.00"), D("0.00"), D("0.00"))


quantities = st.decimals(min_value=D("0.0001"), max_value=D(100000), places=4)
prices = st.decimals(min_value=D(0), max_value=D(1000000), places=4)
percents = st.decimals(min_value=D(0), max_value=D(100), places=4)
lines = st.builds(LineInput, quantities, prices, percents, percents)


@given(st.lists(lines, max_size=25))
def test_totals_add_up_and_have_two_decimals(rows: list[LineInput]) -> None:
    totals = document_totals(rows)
    assert totals.subtotal + totals.tax == totals.total
    for amount in (totals.subtotal, totals.tax, totals.total):
        assert amount.as_tuple().exponent == -2
    assert totals.subtotal == sum((line.net for line in totals.lines), D(0))
    assert totals.tax == sum((line.tax for line in totals.lines), D(0))


@given(lines)
def test_each_row_follows_the_rule(row: LineInput) -> None:
    exact_net = row.quantity * row.unit_price * (100 - row.discount_percent) / 100
    computed = line_totals(row)
    assert computed.net == round_money(exact_net)
    assert abs(computed.net - exact_net) <= D("0.005")
    assert computed.tax == round_money(computed.net * row.tax_rate_percent / 100)
    assert computed.net >= 0 and computed.tax >= 0
