"""Columns that integrations add to the Sell and Buy lists (Invoice, Bill), provider-neutral.

The app asks `list_columns(workspace, screen, orders)` for the page it is about to show; each provider
that has something to say returns a column with one cell per order, computed with one query per page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tanto.accounts.models import Workspace


@dataclass
class ListColumn:
    title: str
    template: str  # renders one cell, given `cell` and `order`
    cells: dict[int, Any] = field(default_factory=dict)  # order id -> what the template shows
    bulk_action: str = ""  # label of the bulk button ("Create invoices"), if the column offers one
    bulk_url: str = ""


ColumnProvider = Callable[[Workspace, str, Sequence[Any]], ListColumn | None]
_providers: list[ColumnProvider] = []


def register(provider: ColumnProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def list_columns(workspace: Workspace, screen: str, orders: Sequence[Any]) -> list[ListColumn]:
    """`screen` is "sales" or "purchasing"; orders are the page's orders."""
    columns = [
        column for provider in _providers if (column := provider(workspace, screen, orders)) is not None
    ]
    for order in orders:
        order.integration_cells = [(column, column.cells.get(order.pk)) for column in columns]
    return columns
