"""Objects for tests that need a workspace to have something in it, made the same way everywhere."""

from __future__ import annotations

from typing import Any

from tanto.catalog.models import Variant
from tanto.contacts.models import Customer, Supplier
from tanto.integrations import outbox
from tanto.purchasing.models import PurchaseOrder
from tanto.sales.models import SalesOrder


def sales_order_for(workspace: Any, number: str = "SO-0001", rows: int = 1) -> SalesOrder:
    """A GBP sales order to the workspace's first customer, with `rows` rows of its first item."""
    customer = Customer.objects.filter(workspace=workspace).order_by("pk").first()
    assert customer is not None
    order = SalesOrder.objects.create(
        workspace=workspace,
        number=number,
        customer=customer,
        created_date="2026-11-01",
        currency="GBP",
        billing_address=customer.billing_address.copy(),
        shipping_address=customer.shipping_address.copy(),
    )
    variant = Variant.objects.filter(workspace=workspace).order_by("pk").first()
    for _ in range(rows):
        order.rows.create(variant=variant, quantity=1, price=10)
    return order


def one_of_each(workspace: Any) -> Any:
    """One object of each kind the workspace URLs point at (a sales order with a row, its invoice sync
    record and bulk run, a purchase order), so that every URL of the URLconf resolves to something real."""
    order = sales_order_for(workspace)
    [record] = outbox.request_push(
        workspace=workspace, provider="quickbooks", connection_id=1, kind="invoice", objects=[order]
    )
    outbox.PushRun.objects.create(workspace=workspace, kind="invoice", record_ids=[record.pk])
    PurchaseOrder.objects.create(
        workspace=workspace,
        number="PO-0001",
        supplier=Supplier.objects.filter(workspace=workspace).order_by("pk").first(),
        created_date="2026-11-01",
        currency="GBP",
    )
    return workspace
