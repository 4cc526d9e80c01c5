from __future__ import annotations

from decimal import Decimal

from django.db import models

from tanto.catalog.models import TaxRate, Variant
from tanto.contacts.models import Supplier
from tanto.core.documents import OrderDocument, OrderRow
from tanto.core.money import LineInput


class ReceiveStatus(models.TextChoices):
    NOT_RECEIVED = "not_received", "Not received"
    PARTIALLY_RECEIVED = "partially_received", "Partially received"
    RECEIVED = "received", "Received"


class PurchaseOrder(OrderDocument):
    NUMBER_PREFIX = "PO-"

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    expected_arrival = models.DateField(null=True, blank=True)
    receive_status = models.CharField(
        max_length=20, choices=ReceiveStatus.choices, default=ReceiveStatus.NOT_RECEIVED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="purchase_order_number_unique")
        ]
        indexes = [
            models.Index(fields=["workspace", "-created_date", "-id"]),
            models.Index(fields=["workspace", "receive_status"]),
        ]

    def line_inputs(self) -> list[LineInput]:
        return [row.line_input() for row in self.rows.all()]


class PurchaseOrderRow(OrderRow):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="rows")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    received_quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    done_field = "received_quantity"

    class Meta(OrderRow.Meta):
        pass


class Receipt(models.Model):
    """One arrival of some or all of a purchase order's rows."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="receipts")
    received_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Receipt of {self.order_id} on {self.received_on}"


class ReceiptRow(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="rows")
    order_row = models.ForeignKey(PurchaseOrderRow, on_delete=models.PROTECT, related_name="receipt_rows")
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    unit_cost = models.DecimalField(
        max_digits=18, decimal_places=6, help_text="Price per unit converted to base currency."
    )

    def __str__(self) -> str:
        return f"{self.quantity} of row {self.order_row_id}"
