from decimal import Decimal

from django.db import models

from tanto.accounts.models import Workspace
from tanto.catalog.models import Variant


class MovementReason(models.TextChoices):
    RECEIPT = "receipt", "Purchase receipt"
    DELIVERY = "delivery", "Sales delivery"


class StockMovement(models.Model):
    """The ledger behind Variant.stock_on_hand: one row per change, never edited."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="movements")
    quantity = models.DecimalField(max_digits=14, decimal_places=4, help_text="Positive in, negative out.")
    unit_cost = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal(0))
    reason = models.CharField(max_length=10, choices=MovementReason.choices)
    reference = models.CharField(max_length=60, help_text="The order number behind the movement.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.quantity:+f} {self.variant_id} ({self.reason} {self.reference})"
