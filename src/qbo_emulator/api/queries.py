"""GET/POST /query: parse, pick the table, evaluate, wrap in QueryResponse."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from .. import query as q
from .. import wire
from ..schema import UNSTORED_ENTITIES
from ..store import TXN_ENTITIES
from .base import REGISTRY, Ctx, Handler

META_FIELDS = {"createtime": "CreateTime", "lastupdatedtime": "LastUpdatedTime"}
_CACHE_SIZE = 32


def canonicalizer(handler: Handler) -> Any:
    fields = {f.lower(): f for f in handler.fields}

    def canonical(prop: str) -> str | None:
        head, _, rest = prop.partition(".")
        fixed = fields.get(head.lower())
        if fixed is None:
            return None
        if not rest:
            return fixed
        if fixed == "MetaData":
            return f"MetaData.{META_FIELDS.get(rest.lower(), rest)}"
        return f"{fixed}.{rest}"

    return canonical


def _by_id(ctx: Ctx, entity: str, parsed: q.Query) -> list[dict[str, Any]] | None:
    """`Id = 'x'` / `Id IN (...)` reads the rows directly instead of scanning the table."""
    for cond in parsed.where:
        if cond.prop.lower() == "id" and cond.op in ("=", "IN"):
            table = ctx.realm.table(entity)
            wanted = {str(v).strip() for v in cond.values}
            return [table[i] for i in sorted(wanted, key=lambda x: (len(x), x)) if i in table]
    return None


def render_query(ctx: Ctx, text: str) -> bytes:
    """The /query endpoint's body, assembled from per-row cached bytes (paging 10k rows stays cheap)."""
    payload = run_query(ctx, text)
    response = payload["QueryResponse"]
    time = wire.response_time(ctx.now(), ctx.realm.tz)
    entity = next((k for k in response if k not in ("startPosition", "maxResults", "totalCount")), None)
    if entity is None:
        return wire.dumps({"QueryResponse": response, "time": time})
    rows = b",".join(ctx.realm.row_bytes(row) for row in response[entity])
    return b"".join([
        b'{"QueryResponse":{"', entity.encode(), b'":[', rows, b'],"startPosition":',
        str(response["startPosition"]).encode(), b',"maxResults":', str(response["maxResults"]).encode(),
        b'},"time":"', time.encode(), b'"}',
    ])  # fmt: skip


def run_query(ctx: Ctx, text: str) -> dict[str, Any]:
    if not text or not text.strip():
        raise q.parser_error('Encountered "<EOF>" at line 1, column 1.')
    parsed = q.parse(text)
    handler = REGISTRY.get(parsed.entity)
    if handler is None:
        if parsed.entity in UNSTORED_ENTITIES:
            return {"QueryResponse": {"totalCount": 0} if parsed.count else {}}
        raise q.validation_error(f"invalid context declaration: {parsed.entity}")
    key_name, key = handler.default_order()
    # Paging re-runs the same WHERE/ORDERBY with a moving STARTPOSITION: keep the matched rows, per realm,
    # until the next write (the realm's version is part of the key).
    cache: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = ctx.realm.query_cache
    cache_key = (ctx.realm.version, handler.name, repr(parsed.where), repr(parsed.order))  # fmt: skip
    selected = cache.get(cache_key)
    if selected is None:
        rows = _by_id(ctx, handler.name, parsed)
        if rows is None:
            rows = ctx.realm.sorted_rows(handler.name, key_name, key)
            if handler.name in TXN_ENTITIES:
                rows = list(reversed(rows))  # newest TxnDate first, as recorded
        selected = q.select(
            parsed, rows, canonical=canonicalizer(handler), active_default=handler.active_filtered
        )
        cache[cache_key] = selected
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    result = q.page(parsed, selected)
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
