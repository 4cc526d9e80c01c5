"""GET /cdc?entities=A,B&changedSince=...: everything changed since a moment, at most 30 days back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .. import wire
from ..faults import fault, required
from ..schema import UNSTORED_ENTITIES
from .base import REGISTRY, Ctx

LOOKBACK = timedelta(days=30)
MAX_OBJECTS = 1000


def run_cdc(ctx: Ctx, params: dict[str, str]) -> dict[str, Any]:
    names = [n.strip() for n in params.get("entities", "").split(",") if n.strip()]
    if not names:
        raise required("entities")
    since_raw = params.get("changedSince")
    if not since_raw:
        raise required("changedSince")
    since = wire.parse_datetime(since_raw)
    if since is None:
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:changedSince is not a valid date. Supplied value:{since_raw}",
            "changedSince",
        )
    if ctx.now() - since > LOOKBACK:
        raise fault(
            "6000",
            "A business validation error has occurred while processing your request",
            "Business Validation Error: changedSince must be within the last 30 days.",
            "changedSince",
        )
    # MetaData carries whole seconds; compare at that precision so a change in the same second as the
    # previous response's "time" is reported (a duplicate is harmless, a miss is not).
    since = since.replace(microsecond=0)
    lookup = {name.lower(): name for name in REGISTRY}
    unstored = {name.lower() for name in UNSTORED_ENTITIES}
    responses: list[dict[str, Any]] = []
    budget = MAX_OBJECTS
    for raw_name in names:
        entity = lookup.get(raw_name.lower())
        if entity is None and raw_name.lower() in unstored:
            responses.append({})
            continue
        if entity is None:
            raise fault(
                "2010",
                "Request has invalid or unsupported property",
                f"Property Name:entities value {raw_name} specified is unsupported or invalid",
                "entities",
            )
        changed: list[tuple[float, dict[str, Any]]] = []
        if REGISTRY[entity].cdc:
            for row in ctx.realm.table(entity).values():
                stamp = wire.parse_datetime(row.get("MetaData", {}).get("LastUpdatedTime", ""))
                if stamp is not None and stamp >= since:
                    changed.append((stamp.timestamp(), row))
            for stub in ctx.realm.deleted.get(entity, {}).values():
                stamp = wire.parse_datetime(stub["LastUpdatedTime"])
                if stamp is not None and stamp >= since:
                    changed.append(
                        (
                            stamp.timestamp(),
                            {
                                "domain": "QBO",
                                "status": "Deleted",
                                "Id": stub["Id"],
                                "MetaData": {"LastUpdatedTime": stub["LastUpdatedTime"]},
                            },
                        )
                    )
        changed.sort(key=lambda pair: pair[0])
        rows = [row for _t, row in changed[:budget]]
        budget -= len(rows)
        responses.append({entity: rows, "startPosition": 1, "maxResults": len(rows)} if rows else {})
    return {"CDCResponse": [{"QueryResponse": responses}]}
