"""Counters the control plane reports per realm: traffic, limits, replays, tokens, webhooks."""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any


def _realm_stats() -> dict[str, Any]:
    return {
        "requests": defaultdict(lambda: defaultdict(int)),
        "peak_concurrency": 0,
        "limit_violations": defaultdict(int),
        "injected_faults": defaultdict(int),
        "requestid_replays": 0,
        "token_refreshes": 0,
        "stale_token_uses": 0,
        "invalid_grants": 0,
        "webhook_deliveries": {"attempts": 0, "delivered": 0, "failed_attempts": 0},
    }


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._realms: dict[str, dict[str, Any]] = defaultdict(_realm_stats)

    def reset(self) -> None:
        with self._lock:
            self._realms.clear()

    def request(self, realm: str, endpoint: str, status: int) -> None:
        with self._lock:
            self._realms[realm]["requests"][endpoint][str(status)] += 1

    def concurrency(self, realm: str, level: int) -> None:
        with self._lock:
            stats = self._realms[realm]
            stats["peak_concurrency"] = max(stats["peak_concurrency"], level)

    def bump(self, realm: str, key: str, sub: str | None = None) -> None:
        with self._lock:
            stats = self._realms[realm]
            if sub is None:
                stats[key] += 1
            else:
                stats[key][sub] = stats[key].get(sub, 0) + 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            out: dict[str, Any] = {}
            for realm, stats in self._realms.items():
                out[realm] = {
                    "requests": {ep: dict(codes) for ep, codes in stats["requests"].items()},
                    "peak_concurrency": stats["peak_concurrency"],
                    "limit_violations": dict(stats["limit_violations"]),
                    "injected_faults": dict(stats["injected_faults"]),
                    "requestid_replays": stats["requestid_replays"],
                    "token_refreshes": stats["token_refreshes"],
                    "stale_token_uses": stats["stale_token_uses"],
                    "invalid_grants": stats["invalid_grants"],
                    "webhook_deliveries": dict(stats["webhook_deliveries"]),
                }
            return out
