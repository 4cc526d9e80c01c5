"""GET/POST /query: parse, pick the table, evaluate, wrap in QueryResponse."""

from __future__ import annotations

from typing import Any

from .. import query as q
from .base import REGISTRY, Ctx


def run_query(ctx: Ctx, text: str) -> dict[str, Any]:
    if not text or not text.strip():
        raise q.parser_error('Encountered "<EOF>" at line 1, column 1.')
    parsed = q.parse(text)
    handler = REGISTRY.get(parsed.entity)
    if handler is None:
        raise q.validation_error(f"invalid context declaration: {parsed.entity}")
    key_name, key = handler.default_order()
    rows = ctx.realm.sorted_rows(handler.name, key_name, key)
    if handler.name.endswith(("Invoice", "Bill", "Payment", "JournalEntry", "CreditMemo", "BillPayment")):
        rows = list(reversed(rows))
    result = q.evaluate(parsed, rows, known_props=handler.known_prop, active_default=handler.active_filtered)
    if parsed.count:
        return {"QueryResponse": {"totalCount": result.total}}
    if not result.rows:
        return {"QueryResponse": {}}
    return {
        "QueryResponse": {
            handler.name: result.rows,
            "startPosition": parsed.start,
            "maxResults": len(result.rows),
        }
    }
