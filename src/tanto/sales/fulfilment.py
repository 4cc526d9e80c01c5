"""Delivering a sales order, fully or partly: each delivery is a fulfilment of row quantities."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction

from tanto.core.movements import checked_quantities, progress
from tanto.inventory.stock import remove_stock
from tanto.sales.models import DeliveryStatus, Fulfilment, FulfilmentRow, SalesOrder
from tanto.sales.signals import fulfilment_recorded


@transaction.atomic
def deliver(order: SalesOrder, quantities: Mapping[int, Decimal], delivered_on: datetime.date) -> Fulfilment:
    order = SalesOrder.objects.select_for_update().get(pk=order.pk)
    rows = list(order.rows.select_related("variant__product"))
    chosen = checked_quantities(rows, quantities, "deliver")
    fulfilment = Fulfilment.objects.create(order=order, delivered_on=delivered_on)
    for row in rows:
        if row.pk not in chosen:
            continue
        quantity = chosen[row.pk]
        unit_cost, cost = remove_stock(row.variant_id, quantity, reference=order.number)
        FulfilmentRow.objects.create(
            fulfilment=fulfilment, order_row=row, quantity=quantity, unit_cost=unit_cost, cost=cost
        )
        row.delivered_quantity += quantity
        row.save(update_fields=["delivered_quantity"])
    statuses = (DeliveryStatus.NOT_SHIPPED, DeliveryStatus.PARTIALLY_DELIVERED, DeliveryStatus.DELIVERED)
    order.delivery_status = statuses[progress(rows, {row.pk: row.delivered_quantity for row in rows})]
    order.save(update_fields=["delivery_status", "updated_at"])
    transaction.on_commit(lambda: fulfilment_recorded.send(sender=Fulfilment, fulfilment=fulfilment))
    return fulfilment


def deliver_everything(order: SalesOrder, delivered_on: datetime.date) -> Fulfilment:
    return deliver(order, {row.pk: row.remaining_quantity for row in order.rows.all()}, delivered_on)
