"""Stock and moving average cost: receipts in several currencies, partial deliveries, services."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tanto.catalog.models import ItemType, Product, Variant
from tanto.contacts.models import Customer, Supplier
from tanto.inventory.costing import average_after_receipt
from tanto.inventory.models import StockMovement
from tanto.purchasing.models import PurchaseOrder, PurchaseOrderRow, ReceiveStatus
from tanto.purchasing.receiving import receive
from tanto.sales.fulfilment import deliver
from tanto.sales.models import DeliveryStatus, SalesOrder, SalesOrderRow

D = Decimal
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def widget(workspace):
    product = Product.objects.create(workspace=workspace, name="Widget", type=ItemType.PRODUCT)
    return Variant.objects.create(workspace=workspace, product=product, sku="W-1", sales_price=D(50))


@pytest.fixture
def service(workspace):
    product = Product.objects.create(workspace=workspace, name="Fitting", type=ItemType.SERVICE)
    return Variant.objects.create(workspace=workspace, product=product, sku="SRV-1", sales_price=D(80))


def purchase(workspace, lines, currency="GBP", rate="1"):
    order = PurchaseOrder.objects.create(
        workspace=workspace,
        number=PurchaseOrder.next_number(workspace),
        supplier=Supplier.objects.filter(workspace=workspace).first(),
        created_date=TODAY,
        currency=currency,
        conversion_rate=D(rate),
    )
    for position, (variant, qty, price) in enumerate(lines):
        PurchaseOrderRow.objects.create(
            order=order, variant=variant, quantity=D(qty), price=D(price), position=position
        )
    return order


def sale(workspace, lines):
    customer = Customer.objects.filter(workspace=workspace).first()
    order = SalesOrder.objects.create(
        workspace=workspace,
        number=SalesOrder.next_number(workspace),
        customer=customer,
        created_date=TODAY,
        currency="GBP",
        billing_address=customer.billing_address.copy(),
        shipping_address=customer.shipping_address.copy(),
    )
    for position, (variant, qty) in enumerate(lines):
        SalesOrderRow.objects.create(
            order=order, variant=variant, quantity=D(qty), price=D(50), position=position
        )
    return order


def rows_of(order):
    return list(order.rows.order_by("position"))


def test_receipts_in_two_currencies_then_partial_deliveries(workspace, widget):
    # 10 @ 4.00 GBP, then 30 @ 5.00 EUR at 0.86 GBP/EUR = 4.30 GBP:
    # average = (10 x 4.00 + 30 x 4.30) / 40 = 169 / 40 = 4.225
    first = purchase(workspace, [(widget, 10, "4.00")])
    receive(first, {rows_of(first)[0].pk: D(10)}, TODAY)
    second = purchase(workspace, [(widget, 30, "5.00")], currency="EUR", rate="0.86")
    receipt = receive(second, {rows_of(second)[0].pk: D(30)}, TODAY)
    widget.refresh_from_db()
    assert widget.stock_on_hand == D(40)
    assert widget.average_cost == D("4.225")
    assert receipt.rows.get().unit_cost == D("4.30")

    order = sale(workspace, [(widget, 25)])
    row = rows_of(order)[0]
    fulfilment = deliver(order, {row.pk: D(7)}, TODAY)
    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.PARTIALLY_DELIVERED
    # 7 x 4.225 = 29.575 -> 29.58 (half-up)
    assert fulfilment.rows.get().cost == D("29.58")
    assert fulfilment.delivered_cost == D("29.58")

    # a later receipt changes the average; the next delivery takes the new one
    third = purchase(workspace, [(widget, 17, "6.00")])
    receive(third, {rows_of(third)[0].pk: D(17)}, TODAY)
    widget.refresh_from_db()
    # (33 x 4.225 + 17 x 6) / 50 = (139.425 + 102) / 50 = 4.8285
    assert widget.stock_on_hand == D(50) and widget.average_cost == D("4.8285")
    second_delivery = deliver(order, {row.pk: D(18)}, TODAY)
    assert second_delivery.rows.get().cost == D("86.91")  # 18 x 4.8285 = 86.913
    order.refresh_from_db()
    assert order.delivery_status == DeliveryStatus.DELIVERED
    widget.refresh_from_db()
    assert widget.stock_on_hand == D(32)
    assert widget.average_cost == D("4.8285")  # deliveries never move the average
    assert list(StockMovement.objects.filter(variant=widget).values_list("quantity", flat=True)) == [
        D(10),
        D(30),
        D(-7),
        D(17),
        D(-18),
    ]


def test_partial_receipt_sets_status_and_half_the_stock(workspace, widget):
    order = purchase(workspace, [(widget, 8, "2.50")])
    receive(order, {rows_of(order)[0].pk: D(4)}, TODAY)
    order.refresh_from_db()
    widget.refresh_from_db()
    assert order.receive_status == ReceiveStatus.PARTIALLY_RECEIVED
    assert (widget.stock_on_hand, widget.average_cost) == (D(4), D("2.5"))
    receive(order, {rows_of(order)[0].pk: D(4)}, TODAY)
    order.refresh_from_db()
    assert order.receive_status == ReceiveStatus.RECEIVED


def test_services_carry_no_stock_and_no_cost(workspace, widget, service):
    order = purchase(workspace, [(service, 3, "40")])
    receive(order, {rows_of(order)[0].pk: D(3)}, TODAY)
    service.refresh_from_db()
    assert (service.stock_on_hand, service.average_cost) == (D(0), D(0))
    so = sale(workspace, [(service, 2)])
    fulfilment = deliver(so, {rows_of(so)[0].pk: D(2)}, TODAY)
    assert fulfilment.rows.get().cost == D(0)
    assert not StockMovement.objects.filter(variant=service).exists()


def test_stock_may_go_negative_and_the_next_receipt_sets_the_average(workspace, widget):
    so = sale(workspace, [(widget, 5)])
    fulfilment = deliver(so, {rows_of(so)[0].pk: D(5)}, TODAY)
    widget.refresh_from_db()
    assert widget.stock_on_hand == D(-5)
    assert fulfilment.rows.get().cost == D(0)  # nothing was ever bought: no cost known yet
    po = purchase(workspace, [(widget, 10, "3.00")])
    receive(po, {rows_of(po)[0].pk: D(10)}, TODAY)
    widget.refresh_from_db()
    assert (widget.stock_on_hand, widget.average_cost) == (D(5), D(3))


def test_delivering_more_than_is_left_is_refused_and_changes_nothing(workspace, widget):
    from django.core.exceptions import ValidationError

    so = sale(workspace, [(widget, 2)])
    with pytest.raises(ValidationError, match="at most 2"):
        deliver(so, {rows_of(so)[0].pk: D(3)}, TODAY)
    widget.refresh_from_db()
    assert widget.stock_on_hand == 0 and not so.fulfilments.exists()


@given(
    st.decimals(min_value=D("0.0001"), max_value=D(10000), places=4),
    st.decimals(min_value=D(0), max_value=D(1000), places=4),
    st.decimals(min_value=D("0.0001"), max_value=D(10000), places=4),
    st.decimals(min_value=D(0), max_value=D(1000), places=4),
)
def test_the_average_lies_between_old_and_new_cost(stock, average, qty, cost):
    result = average_after_receipt(stock, average, qty, cost)
    low, high = min(average, cost), max(average, cost)
    assert low - D("0.000001") <= result <= high + D("0.000001")
