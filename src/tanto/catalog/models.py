from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tanto.accounts.models import Workspace


class ItemType(models.TextChoices):
    PRODUCT = "product", "Product"
    MATERIAL = "material", "Material"
    SERVICE = "service", "Service"


class Product(models.Model):
    """A thing a manufacturer makes, buys or does; sold and bought through its variants."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=10, choices=ItemType.choices, default=ItemType.PRODUCT)
    category = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def tracks_stock(self) -> bool:
        return self.type != ItemType.SERVICE


class Variant(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField("SKU", max_length=64)
    name = models.CharField(
        max_length=200, blank=True, help_text="E.g. 'Oak / Large'. Empty for a single variant."
    )
    sales_price = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    purchase_price = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    # Kept up to date by tanto.inventory under a row lock; the movement ledger is the history behind them.
    stock_on_hand = models.DecimalField(max_digits=16, decimal_places=4, default=Decimal(0))
    average_cost = models.DecimalField(
        max_digits=18, decimal_places=6, default=Decimal(0), help_text="Moving average, in base currency."
    )

    class Meta:
        ordering = ["sku"]
        constraints = [models.UniqueConstraint(fields=["workspace", "sku"], name="sku_unique_per_workspace")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        name = f"{self.product.name} – {self.name}" if self.name else self.product.name
        return f"{self.sku} · {name}"

    @property
    def tracks_stock(self) -> bool:
        return self.product.tracks_stock


class TaxRate(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    name = models.CharField(max_length=100)
    rate = models.DecimalField(
        "Rate %", max_digits=7, decimal_places=4, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    is_default_sales = models.BooleanField("Default for sales", default=False)
    is_default_purchases = models.BooleanField("Default for purchases", default=False)
    archived = models.BooleanField(default=False)

    class Meta:
        ordering = ["rate", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.rate.normalize():f}%)"
