"""The QuickBooks-like viewer: companies, lists, document pages and the accountant's actions."""

from __future__ import annotations

from starlette.routing import Route

from .pages import routes as _routes


def routes() -> list[Route]:
    return _routes()
