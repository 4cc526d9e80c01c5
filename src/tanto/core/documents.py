"""What sales and purchase orders have in common: a numbered document in a currency with priced rows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Length

from tanto.accounts.models import Workspace
from tanto.core.fields import CurrencyField
from tanto.core.money import DocumentTotals, LineInput, document_totals

POSITIVE = MinValueValidator(Decimal("0.0001"), "Enter a quantity greater than zero.")
NOT_NEGATIVE = MinValueValidator(Decimal(0), "Enter zero or more.")


class OrderDocument(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE)
    number = models.CharField(max_length=40)
    created_date = models.DateField()
    currency = CurrencyField()
    conversion_rate = models.DecimalField(
        max_digits=18,
        decimal_places=8,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.00000001"), "Enter a rate greater than zero.")],
        help_text="Base currency per 1 unit of the order's currency.",
    )
    # Stored copies of what tanto.core.money computes from the rows, so lists can show and sort totals
    # without loading every row; refreshed whenever rows change (see refresh_totals).
    subtotal = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    tax_total = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    NUMBER_PREFIX = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number

    def line_inputs(self) -> list[LineInput]:
        raise NotImplementedError

    def compute_totals(self) -> DocumentTotals:
        return document_totals(self.line_inputs())

    def refresh_totals(self) -> DocumentTotals:
        totals = self.compute_totals()
        self.subtotal, self.tax_total, self.total = totals.subtotal, totals.tax, totals.total
        type(self).objects.filter(pk=self.pk).update(
            subtotal=totals.subtotal, tax_total=totals.tax, total=totals.total
        )
        return totals

    @classmethod
    def next_number(cls, workspace: Workspace) -> str:
        # Longest first, then highest: the first number that parses is the highest in use.
        numbers = (
            cls.objects.filter(workspace=workspace, number__startswith=cls.NUMBER_PREFIX)
            .annotate(number_length=Length("number"))
            .order_by("-number_length", "-number")
            .values_list("number", flat=True)
            .iterator(chunk_size=100)
        )
        return next_number(cls.NUMBER_PREFIX, numbers)


def next_number(prefix: str, highest_first: Iterable[str]) -> str:
    """The number after the highest `PREFIX####` in use; numbers a user typed in are skipped over."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    for number in highest_first:
        match = pattern.match(number)
        if match:
            return f"{prefix}{int(match.group(1)) + 1:04d}"
    return f"{prefix}0001"


class OrderRow(models.Model):
    quantity = models.DecimalField(max_digits=14, decimal_places=4, validators=[POSITIVE])
    price = models.DecimalField(
        "Price per unit",
        max_digits=14,
        decimal_places=4,
        validators=[NOT_NEGATIVE],
        help_text="Excluding tax.",
    )
    position = models.PositiveIntegerField(default=0)

    # Declared by each kind of row: its tax rate (a foreign key), and the name of the field that counts
    # what has been delivered or received so far.
    tax_rate: Any
    done_field: ClassVar[str]

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def line_input(self) -> LineInput:
        return LineInput(
            quantity=self.quantity,
            unit_price=self.price,
            discount_percent=getattr(self, "discount_percent", Decimal(0)),
            tax_rate_percent=self.tax_rate.rate if self.tax_rate else Decimal(0),
        )

    @property
    def remaining_quantity(self) -> Decimal:
        """What is still to be delivered or received; never below zero."""
        return max(self.quantity - getattr(self, self.done_field), Decimal(0))
