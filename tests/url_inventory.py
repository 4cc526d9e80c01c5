"""What the URLconf holds, for tests that must cover every URL (tenancy, CSRF)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from tanto.catalog.models import Product, TaxRate
from tanto.contacts.models import Customer, Supplier
from tanto.integrations.outbox import PushRun, SyncRecord
from tanto.purchasing.models import PurchaseOrder
from tanto.sales.models import SalesOrder

# Which model a URL's <pk> points at, by the URL's namespace and name prefix.
PK_MODELS: dict[str, type] = {
    "sales:": SalesOrder,
    "purchasing:": PurchaseOrder,
    "catalog:product": Product,
    "contacts:customer": Customer,
    "contacts:supplier": Supplier,
    "settings:tax_rate": TaxRate,
    "quickbooks:push_progress": PushRun,
    "quickbooks:sync_log_retry": SyncRecord,
    "quickbooks:": SalesOrder,  # push_one, cell, retry: <kind> is "invoice" below
}
# Values for other URL arguments; anything else gets a placeholder of the converter's type.
ARGUMENTS = {"kind": "invoice", "step": "mode"}


def all_urls(workspace_only: bool = True) -> Iterator[tuple[str, list[str]]]:
    """(namespaced URL name, its keyword arguments incl. "ws") for every named URL (under /w/<ws>/ by
    default)."""

    def walk(patterns: list[Any], namespace: str, inside_workspace: bool) -> Iterator[tuple[str, list[str]]]:
        for pattern in patterns:
            route = str(pattern.pattern)
            here = inside_workspace or "<int:ws>" in route
            if isinstance(pattern, URLResolver):
                child_ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, child_ns, here)
            elif isinstance(pattern, URLPattern) and (here or not workspace_only) and pattern.name:
                own = set(pattern.pattern.converters) | ({"ws"} if here else set())
                yield f"{namespace}{pattern.name}", sorted(own)

    yield from walk(get_resolver().url_patterns, "", False)


def model_for(name: str) -> type:
    for prefix, model in PK_MODELS.items():
        if name.startswith(prefix):
            return model
    raise AssertionError(
        f"tests.url_inventory does not know which model {name!r} points at: add it to PK_MODELS"
    )


def workspace_urls() -> Iterator[tuple[str, list[str]]]:
    return all_urls(workspace_only=True)


def placeholder(name: str, kwarg: str) -> Any:
    """A value for a URL argument other than ws/pk (e.g. a wizard step): the checks under test (CSRF,
    membership) run before the view looks at it."""
    if kwarg in ARGUMENTS:
        return ARGUMENTS[kwarg]
    pattern = _patterns_by_name()[name]
    converter = pattern.pattern.converters[kwarg]
    return 1 if converter.regex == "[0-9]+" else "x"


def _patterns_by_name() -> dict[str, URLPattern]:
    found: dict[str, URLPattern] = {}

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif pattern.name:
                found[f"{namespace}{pattern.name}"] = pattern

    walk(get_resolver().url_patterns, "")
    return found
