"""The demo workspace: what `make demo` shows a newcomer (see the demo contract in the README)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from tanto.accounts.models import User, Workspace
from tanto.catalog.models import TaxRate, Variant
from tanto.contacts.models import Customer, Supplier
from tanto.core.seeding import create_workspace
from tanto.purchasing.models import PurchaseOrder, PurchaseOrderRow
from tanto.purchasing.receiving import receive, receive_everything
from tanto.sales.fulfilment import deliver, deliver_everything
from tanto.sales.models import SalesOrder, SalesOrderRow

DEMO_EMAIL, DEMO_PASSWORD = "demo@example.com", "demo"


@transaction.atomic
def seed_demo() -> Workspace | None:
    """Creates the demo user and workspaces once; returns None when they already exist."""
    if User.objects.filter(email=DEMO_EMAIL).exists():
        return None
    user = User.objects.create_user(DEMO_EMAIL, DEMO_PASSWORD, full_name="Dana Demo")
    workspace = create_workspace("Oakridge Furniture", "GB", "GBP", user, seed=11)
    create_workspace("Oakridge Furniture US", "US", "USD", user, seed=12)
    _demo_orders(workspace)
    return workspace


def _demo_orders(workspace: Workspace) -> None:
    today = datetime.date.today()
    variants = list(Variant.objects.filter(workspace=workspace).select_related("product").order_by("id"))
    goods = [v for v in variants if v.tracks_stock]
    service = next(v for v in variants if not v.tracks_stock)
    rates = list(TaxRate.objects.filter(workspace=workspace).order_by("-rate"))
    suppliers = list(Supplier.objects.filter(workspace=workspace).order_by("id"))
    customers = list(Customer.objects.filter(workspace=workspace).order_by("id"))

    # Purchase orders first, so there is stock (and an average cost) to deliver from.
    for index in range(6):
        po = PurchaseOrder.objects.create(
            workspace=workspace,
            number=PurchaseOrder.next_number(workspace),
            supplier=suppliers[index % len(suppliers)],
            created_date=today - datetime.timedelta(days=40 - index * 5),
            currency="EUR" if index == 4 else "GBP",
            conversion_rate=Decimal("0.86") if index == 4 else Decimal(1),
            expected_arrival=today + datetime.timedelta(days=index * 3),
        )
        for position, variant in enumerate(goods[index : index + 4]):
            PurchaseOrderRow.objects.create(
                order=po,
                variant=variant,
                quantity=Decimal(20 + 5 * position),
                price=variant.purchase_price,
                tax_rate=rates[0],
                position=position,
            )
        po.refresh_totals()
        if index < 3:
            receive_everything(po, po.created_date + datetime.timedelta(days=7))
        elif index == 3:
            first = po.rows.first()
            assert first is not None
            receive(po, {first.pk: first.quantity / 2}, today)

    for index in range(12):
        customer = customers[index % len(customers)]
        so = SalesOrder.objects.create(
            workspace=workspace,
            number=SalesOrder.next_number(workspace),
            customer=customer,
            created_date=today - datetime.timedelta(days=30 - index * 2),
            currency="USD" if index == 7 else "GBP",
            conversion_rate=Decimal("0.79") if index == 7 else Decimal(1),
            delivery_deadline=today + datetime.timedelta(days=index),
            billing_address=customer.billing_address.copy(),
            shipping_address=customer.shipping_address.copy(),
            shipping_fee=Decimal("25.00") if index % 4 == 0 else None,
            shipping_tax_rate=rates[0] if index % 4 == 0 else None,
        )
        picks = [goods[(index + k) % len(goods)] for k in range(2)] + ([service] if index % 3 == 0 else [])
        for position, variant in enumerate(picks):
            SalesOrderRow.objects.create(
                order=so,
                variant=variant,
                quantity=Decimal(1 + (index + position) % 4),
                price=variant.sales_price or variant.purchase_price * 2,
                discount_percent=Decimal(10 if position == 1 else 0),
                tax_rate=rates[index % 2] if len(rates) > 1 else None,
                position=position,
            )
        so.refresh_totals()
        if index < 5:
            deliver_everything(so, so.created_date + datetime.timedelta(days=3))
        elif index < 7:
            row = so.rows.first()
            assert row is not None
            deliver(so, {row.pk: row.quantity}, today)
