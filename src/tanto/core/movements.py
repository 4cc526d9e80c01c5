"""Shared checks for delivering and receiving part or all of an order's rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from django.core.exceptions import ValidationError


class PartialRow(Protocol):
    pk: int
    quantity: Decimal

    @property
    def remaining_quantity(self) -> Decimal: ...


def checked_quantities(
    rows: Sequence[PartialRow], requested: Mapping[int, Decimal], verb: str
) -> dict[int, Decimal]:
    """Keeps the rows with a positive requested quantity; refuses negatives, unknown rows and more than
    is left on a row. `verb` words the message ("deliver", "receive")."""
    by_id = {row.pk: row for row in rows}
    unknown = set(requested) - set(by_id)
    if unknown:
        raise ValidationError("Some rows do not belong to this order.")
    chosen: dict[int, Decimal] = {}
    for row_id, quantity in requested.items():
        if quantity < 0:
            raise ValidationError(f"Quantities to {verb} cannot be negative.")
        if quantity == 0:
            continue
        if quantity > by_id[row_id].remaining_quantity:
            raise ValidationError(
                f"You can {verb} at most {by_id[row_id].remaining_quantity.normalize():f} of a row; "
                f"{quantity.normalize():f} was asked."
            )
        chosen[row_id] = quantity
    if not chosen:
        raise ValidationError(f"Enter a quantity to {verb} on at least one row.")
    return chosen


NOTHING_DONE, PARTLY_DONE, ALL_DONE = 0, 1, 2


def progress(rows: Sequence[PartialRow], done: Mapping[int, Decimal]) -> int:
    """NOTHING_DONE, PARTLY_DONE or ALL_DONE, from how much of each row has been moved."""
    if all(done.get(row.pk, Decimal(0)) >= row.quantity for row in rows):
        return ALL_DONE
    if any(done.get(row.pk, Decimal(0)) > 0 for row in rows):
        return PARTLY_DONE
    return NOTHING_DONE
