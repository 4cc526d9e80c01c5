"""Moving average cost: pure arithmetic, so it can be checked by hand and by property tests.

Rule: a receipt of `qty` units at `unit_cost` (base currency) into `stock` units valued at `average`
gives (stock x average + qty x unit_cost) / (stock + qty). When stock was zero or negative beforehand, the
units already sold short were costed at the old average, so the receipt's cost becomes the new average.
Deliveries never change the average; they take units out at it.
"""

from decimal import ROUND_HALF_UP, Decimal

AVERAGE_PLACES = Decimal("0.000001")


def average_after_receipt(stock: Decimal, average: Decimal, qty: Decimal, unit_cost: Decimal) -> Decimal:
    if qty <= 0:
        raise ValueError("a receipt adds a positive quantity")
    if stock <= 0:
        return unit_cost.quantize(AVERAGE_PLACES, rounding=ROUND_HALF_UP)
    value = stock * average + qty * unit_cost
    return (value / (stock + qty)).quantize(AVERAGE_PLACES, rounding=ROUND_HALF_UP)
