"""Receiving a purchase order, fully or partly: each receipt adds stock at its cost in base currency."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from tanto.core.movements import checked_quantities, progress
from tanto.inventory.costing import AVERAGE_PLACES
from tanto.inventory.stock import add_stock
from tanto.purchasing.models import PurchaseOrder, Receipt, ReceiptRow, ReceiveStatus


@transaction.atomic
def receive(order: PurchaseOrder, quantities: Mapping[int, Decimal], received_on: datetime.date) -> Receipt:
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    rows = list(order.rows.select_related("variant__product"))
    chosen = checked_quantities(rows, quantities, "receive")
    receipt = Receipt.objects.create(order=order, received_on=received_on)
    for row in rows:
        if row.pk not in chosen:
            continue
        quantity = chosen[row.pk]
        unit_cost = (row.price * order.conversion_rate).quantize(AVERAGE_PLACES, rounding=ROUND_HALF_UP)
        add_stock(row.variant_id, quantity, unit_cost, reference=order.number)
        ReceiptRow.objects.create(receipt=receipt, order_row=row, quantity=quantity, unit_cost=unit_cost)
        row.received_quantity += quantity
        row.save(update_fields=["received_quantity"])
    statuses = (ReceiveStatus.NOT_RECEIVED, ReceiveStatus.PARTIALLY_RECEIVED, ReceiveStatus.RECEIVED)
    order.receive_status = statuses[progress(rows, {row.pk: row.received_quantity for row in rows})]
    order.save(update_fields=["receive_status", "updated_at"])
    return receipt


def receive_everything(order: PurchaseOrder, received_on: datetime.date) -> Receipt:
    return receive(order, {row.pk: row.remaining_quantity for row in order.rows.all()}, received_on)
