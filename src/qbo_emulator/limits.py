"""Intuit's throttles: 500 requests/min per realm, 10 concurrent per realm+app, 40 batch/min per realm+app.

Windows are measured on the emulator clock, so advancing the clock clears them; the window length is
configurable so tests don't wait a minute.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque

from .clock import Clock
from .config import EmulatorConfig


class Limiter:
    def __init__(self, config: EmulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._requests: dict[str, deque[float]] = defaultdict(deque)
        self._batches: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._inflight: dict[tuple[str, str], int] = defaultdict(int)

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._batches.clear()

    def _trim(self, window: deque[float], now: float) -> None:
        horizon = now - self.config.limit_window_seconds
        while window and window[0] <= horizon:
            window.popleft()

    def enter(self, realm: str, app: str) -> tuple[bool, int]:
        """Take a concurrency slot; returns (allowed, level). Always pair an allowed enter with leave."""
        with self._lock:
            key = (realm, app)
            level = self._inflight[key] + 1
            if self.config.limits_enabled and level > self.config.concurrent_per_app:
                return False, level - 1
            self._inflight[key] = level
            return True, level

    def leave(self, realm: str, app: str) -> None:
        with self._lock:
            key = (realm, app)
            self._inflight[key] = max(0, self._inflight[key] - 1)

    def take_requests(self, realm: str, count: int = 1) -> bool:
        """Meter `count` calls against the per-realm window (batch items count one each)."""
        if not self.config.limits_enabled:
            return True
        now = self.clock.time()
        with self._lock:
            window = self._requests[realm]
            self._trim(window, now)
            if len(window) + count > self.config.requests_per_window:
                return False
            window.extend([now] * count)
            return True

    def take_batch(self, realm: str, app: str) -> bool:
        if not self.config.limits_enabled:
            return True
        now = self.clock.time()
        with self._lock:
            window = self._batches[(realm, app)]
            self._trim(window, now)
            if len(window) >= self.config.batch_per_window:
                return False
            window.append(now)
            return True
