"""Accounting API v3: one module per entity family; importing them fills the handler registry."""

from . import items, names, tax, transactions  # noqa: F401
