from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tanto.catalog.models import TaxRate, Variant
from tanto.contacts.models import Address, Customer
from tanto.core.documents import NOT_NEGATIVE, OrderDocument, OrderRow
from tanto.core.money import ZERO, LineInput


class DeliveryStatus(models.TextChoices):
    NOT_SHIPPED = "not_shipped", "Not shipped"
    PARTIALLY_DELIVERED = "partially_delivered", "Partially delivered"
    DELIVERED = "delivered", "Delivered"


class SalesOrder(OrderDocument):
    NUMBER_PREFIX = "SO-"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="sales_orders")
    delivery_deadline = models.DateField(null=True, blank=True)
    billing_address = models.OneToOneField(Address, on_delete=models.PROTECT, related_name="+")
    shipping_address = models.OneToOneField(Address, on_delete=models.PROTECT, related_name="+")
    shipping_fee = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    shipping_tax_rate = models.ForeignKey(
        TaxRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivery_status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_SHIPPED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="sales_order_number_unique")
        ]
        indexes = [
            models.Index(fields=["workspace", "-created_date", "-id"]),
            models.Index(fields=["workspace", "delivery_status"]),
        ]

    def line_inputs(self) -> list[LineInput]:
        lines = [row.line_input() for row in self.rows.all()]
        if self.shipping_fee:
            rate = self.shipping_tax_rate.rate if self.shipping_tax_rate else Decimal(0)
            lines.append(LineInput(quantity=Decimal(1), unit_price=self.shipping_fee, tax_rate_percent=rate))
        return lines


class SalesOrderRow(OrderRow):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="rows")
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    discount_percent = models.DecimalField(
        "Discount %",
        max_digits=7,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    delivered_quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    done_field = "delivered_quantity"

    class Meta(OrderRow.Meta):
        pass


class Fulfilment(models.Model):
    """One delivery of some or all of an order's rows."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="fulfilments")
    delivered_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Delivery of {self.order_id} on {self.delivered_on}"

    @property
    def delivered_cost(self) -> Decimal:
        return sum((row.cost for row in self.rows.all()), ZERO)


class FulfilmentRow(models.Model):
    fulfilment = models.ForeignKey(Fulfilment, on_delete=models.CASCADE, related_name="rows")
    order_row = models.ForeignKey(SalesOrderRow, on_delete=models.PROTECT, related_name="fulfilment_rows")
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    # The cost of goods delivered, in base currency, at the average cost when they left stock: what a COGS
    # journal entry posts. Zero for services.
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal(0))
    cost = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))

    def __str__(self) -> str:
        return f"{self.quantity} of row {self.order_row_id}"
