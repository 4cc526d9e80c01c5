"""POST /batch: up to 30 items run serially, each answered on its own (a failing item is a Fault entry)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..faults import QboFault, fault
from .base import REGISTRY, Ctx
from .queries import run_query

if TYPE_CHECKING:
    from ..app import Emulator

MAX_ITEMS = 30


def run_batch(emu: Emulator, ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    from .router import apply_operation

    items = body.get("BatchItemRequest")
    if not isinstance(items, list) or not items:
        raise fault(
            "2020",
            "Required param missing, need to supply the required value for the API",
            "Required parameter BatchItemRequest is missing in the request",
            "BatchItemRequest",
        )
    if len(items) > MAX_ITEMS:
        raise fault(
            "1040",
            "Batch size exceeds allowed limit",
            f"Batch size exceeds allowed limit: the maximum is {MAX_ITEMS} items, {len(items)} were sent.",
            "",
        )
    # Every item is metered like a single call (the batch request itself already took one slot).
    if len(items) > 1 and not emu.limiter.take_requests(ctx.realm.realm_id, len(items) - 1):
        emu.stats.bump(ctx.realm.realm_id, "limit_violations", "requests_per_minute")
        raise fault(
            "3001", "ThrottleExceeded", "The batch items exceed the per-minute request limit.", "", 429
        )
    out: list[dict[str, Any]] = []
    for item in items:
        bid = str(item.get("bId", "")) if isinstance(item, dict) else ""
        try:
            out.append(_run_item(ctx, item, apply_operation) | {"bId": bid})
        except QboFault as exc:
            out.append(exc.body() | {"bId": bid})
    return {"BatchItemResponse": out}


def _run_item(ctx: Ctx, item: Any, apply_operation: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise fault(
            "2010", "Request has invalid or unsupported property", "Property Name:BatchItemRequest item"
        )
    if "Query" in item:
        return run_query(ctx, str(item["Query"]))
    entity = next((k for k in item if k in REGISTRY), None)
    if entity is None:
        unknown = next((k for k in item if k not in ("bId", "operation", "optionsData")), "")
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:{unknown} specified is unsupported or invalid",
        )
    payload = item[entity]
    if not isinstance(payload, dict):
        raise fault(
            "2010", "Request has invalid or unsupported property", f"Property Name:{entity} must be an object"
        )
    from .. import wire
    from .router import parse_body

    body = parse_body(wire.dumps(payload))
    operation = str(item.get("operation", "create"))
    result = apply_operation(ctx, REGISTRY[entity], operation, "", body, str(item.get("optionsData", "")))
    return {entity: result}
