"""Moves stock in and out of variants, keeping on-hand quantity and average cost consistent.

Each call locks the variant row first (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers),
so two receipts or deliveries at once cannot lose an update. Call inside a transaction.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from tanto.catalog.models import Variant
from tanto.core.money import CENT
from tanto.inventory.costing import average_after_receipt
from tanto.inventory.models import MovementReason, StockMovement


def _locked(variant_id: int) -> Variant:
    return Variant.objects.select_for_update().select_related("product").get(pk=variant_id)


@transaction.atomic
def add_stock(variant_id: int, quantity: Decimal, unit_cost: Decimal, reference: str) -> Variant:
    variant = _locked(variant_id)
    if not variant.tracks_stock:
        return variant
    variant.average_cost = average_after_receipt(
        variant.stock_on_hand, variant.average_cost, quantity, unit_cost
    )
    variant.stock_on_hand += quantity
    variant.save(update_fields=["average_cost", "stock_on_hand"])
    StockMovement.objects.create(
        workspace_id=variant.workspace_id,
        variant=variant,
        quantity=quantity,
        unit_cost=unit_cost,
        reason=MovementReason.RECEIPT,
        reference=reference,
    )
    return variant


@transaction.atomic
def remove_stock(variant_id: int, quantity: Decimal, reference: str) -> tuple[Decimal, Decimal]:
    """Takes `quantity` out at the current average cost. Returns (unit cost, total cost to the cent);
    stock may go negative (the screens warn about it). Services cost nothing and move nothing."""
    variant = _locked(variant_id)
    if not variant.tracks_stock:
        return Decimal(0), Decimal("0.00")
    unit_cost = variant.average_cost
    variant.stock_on_hand -= quantity
    variant.save(update_fields=["stock_on_hand"])
    StockMovement.objects.create(
        workspace_id=variant.workspace_id,
        variant=variant,
        quantity=-quantity,
        unit_cost=unit_cost,
        reason=MovementReason.DELIVERY,
        reference=reference,
    )
    return unit_cost, (unit_cost * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
