"""Outbound rate limiting shared by every worker process through the database.

Providers limit us per company: so many request starts in any sliding window, so many requests in flight at
once, so many batch requests per window, and after a 429 they expect silence for a while. Workers may run on
several machines, so the only place they can agree is the database:

* a `RateLimitKey` row per key, locked while a decision is made, so deciders for one key take turns;
* a `RateLimitRequest` row per request start: it counts towards the window until it is older than the
  window, and it is the in-flight lease until released or, if its holder died, until the lease expires.

A decision is one short transaction (lock the key row, one aggregate over its request rows, then delete the
rows that no longer matter and insert ours). When the answer is "not yet" it also says how long until a
start leaves the window, a pause ends or (estimated) a lease frees; the caller sleeps that long outside the
transaction and asks again. No transaction is ever open while the caller's own request runs.

The module knows keys, not providers: callers namespace them ("quickbooks:<realm id>").
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.models import Avg, Count, F, Min, Q, Sum, Value
from django.db.models.functions import Greatest

from tanto.integrations.models import RateLimitKey, RateLimitRequest

logger = logging.getLogger(__name__)

# Wall clock, because processes on different machines must agree on it. Tests may replace it.
clock: Callable[[], float] = time.time

# Sleeping until exactly the computed instant can wake a hair early by the wall clock; this keeps the next
# decision from finding the same start still (just) inside the window and looping on a tiny wait.
_WAKE_SLACK = 0.0002
# Waiting for a lease to free is a guess (nobody knows when a request will finish): retry quickly at first,
# then less often, but never so rarely that a freed slot sits idle for long.
_FIRST_RETRY = 0.002
_LONGEST_RETRY = 0.25


@dataclass(frozen=True)
class Limits:
    per_window: int = 500  # request starts in any window (a batch request also counts as a request)
    batch_per_window: int = 40  # batch request starts in any window
    concurrent: int = 10  # requests in flight at once
    window_seconds: float = 60.0
    # A slot held longer than this is presumed dead (a crashed worker) and reclaimed.
    lease_seconds: float = 150.0

    def __post_init__(self) -> None:
        for field in fields(self):
            if getattr(self, field.name) <= 0:
                raise ValueError(f"rate limit {field.name} must be positive")


def limits_from_settings() -> Limits:
    """Limits from settings.QBO_RATE_LIMITS (a dict of Limits fields), defaulting to QuickBooks' own."""
    configured: dict[str, Any] = getattr(settings, "QBO_RATE_LIMITS", None) or {}
    try:
        return Limits(**configured)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"QBO_RATE_LIMITS: {exc}") from exc


class RateLimitWait(Exception):
    """Sending now would break a limit and the wait is longer than the caller allowed."""

    def __init__(self, key: str, seconds: float, reason: str) -> None:
        super().__init__(f"{key}: rate limited ({reason}), retry in {seconds:.3f}s")
        self.key = key
        self.seconds = seconds
        self.reason = reason


@dataclass(frozen=True)
class _Decision:
    request_id: int | None  # the lease we now hold, or None if we must wait
    wait: float = 0.0
    reason: str = ""  # "pause", "window", "batch" or "concurrency" when waiting


@dataclass(frozen=True)
class _Usage:
    """What the key's request rows say at one instant (one aggregate query)."""

    cost: int  # requests started within the window
    oldest: float | None
    batches: int  # batch requests started within the window
    oldest_batch: float | None
    in_flight: int  # unexpired, unreleased leases
    oldest_in_flight: float | None
    first_expiry: float | None
    typical_hold: float | None  # mean time recent requests held their slot


class _LocalReleases:
    """Wakes threads of this process that wait for a lease as soon as another thread here releases one.
    Other processes' releases are found by the estimated retry instead."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._count = 0

    def mark(self) -> int:
        with self._condition:
            return self._count

    def notify(self) -> None:
        with self._condition:
            self._count += 1
            self._condition.notify_all()

    def wait(self, since: int, timeout: float) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self._count != since, timeout)


_releases = _LocalReleases()


@contextmanager
def slot(
    key: str,
    *,
    batch: bool = False,
    limits: Limits | None = None,
    max_wait: float = 300.0,
    cost: int = 1,
) -> Iterator[None]:
    """Blocks until sending one more request for `key` stays within every limit, holds an in-flight slot
    while the body runs, and releases it after (also on exceptions). Raises RateLimitWait (with .seconds)
    if it would have to wait longer than `max_wait` seconds in all.

    `cost` is how many requests this one counts as against `per_window` (a provider may meter each
    operation of a batch as a request). Must not be called inside a transaction: the lease has to be
    visible to other workers, and the key's lock must not be held while the request runs."""
    limits = limits or limits_from_settings()
    request_id = acquire(key, batch=batch, limits=limits, max_wait=max_wait, cost=cost)
    try:
        yield
    finally:
        release(request_id, limits)


def acquire(key: str, *, batch: bool, limits: Limits, max_wait: float, cost: int = 1) -> int:
    """Waits for and takes a slot; returns the lease id to hand to release(). Prefer slot()."""
    if cost > limits.per_window:
        raise ValueError(f"a request costing {cost} can never fit {limits.per_window} per window")
    deadline = time.monotonic() + max_wait
    concurrency_waits = 0
    while True:
        seen_releases = _releases.mark()
        decision = _decide(key, batch=batch, cost=cost, limits=limits, retries=concurrency_waits)
        if decision.request_id is not None:
            return decision.request_id
        if decision.wait > deadline - time.monotonic():
            raise RateLimitWait(key, decision.wait, decision.reason)
        if decision.reason == "concurrency":
            concurrency_waits += 1
            _releases.wait(seen_releases, decision.wait)
        else:
            time.sleep(decision.wait)


def release(request_id: int, limits: Limits) -> None:
    """Ends a lease taken by acquire(). The row stays: it still counts towards the window."""
    now = clock()
    try:
        # Autocommit, one statement: no lock on the key row is needed to give a slot back.
        RateLimitRequest.objects.filter(pk=request_id).update(released_at=now)
    except DatabaseError:
        # Never mask the caller's own outcome; an unreleased lease frees itself when it expires.
        logger.exception("Could not release rate-limit lease %s; it expires by itself", request_id)
        return
    finally:
        _releases.notify()
    started = RateLimitRequest.objects.filter(pk=request_id).values_list("started_at", flat=True).first()
    if started is not None and now - started > limits.lease_seconds:
        logger.warning(
            "A request held its rate-limit slot for %.1fs, longer than the %.0fs lease: others may have "
            "taken it meanwhile",
            now - started,
            limits.lease_seconds,
        )


def pause(key: str, seconds: float) -> None:
    """After a 429: nobody starts a request for `key` until `seconds` from now (or any later pause)."""
    until = clock() + seconds
    with transaction.atomic(durable=True):
        if not RateLimitKey.objects.filter(key=key).update(paused_until=Greatest(F("paused_until"), Value(until))):
            _ensure_key(key)
            RateLimitKey.objects.filter(key=key).update(paused_until=Greatest(F("paused_until"), Value(until)))
    logger.info("Rate limit: pausing %s for %.1fs", key, seconds)


def paused_for(key: str) -> float:
    """Seconds left of the pause on `key` (0 if not paused)."""
    until = RateLimitKey.objects.filter(key=key).values_list("paused_until", flat=True).first()
    return max(0.0, (until or 0.0) - clock())


def _decide(key: str, *, batch: bool, cost: int, limits: Limits, retries: int = 0) -> _Decision:
    """One locked decision: take a slot now, or say how long to wait. A handful of queries."""
    # durable: inside a caller's transaction the lock (and on SQLite the whole database) would stay held
    # and our lease stay invisible to other workers until that transaction ends.
    with transaction.atomic(durable=True):
        key_id, paused_until = _lock_key(key)
        # Read the clock only once the lock is ours, so stored starts follow the order decisions were made
        # in; a clock read before waiting for the lock could record a start earlier than one already
        # admitted, and the window check would then miss it.
        now = clock()
        if paused_until > now:
            return _Decision(None, paused_until - now + _WAKE_SLACK, "pause")
        usage = _usage(key_id, now, limits)
        waits = _waits(usage, now, batch=batch, cost=cost, limits=limits, retries=retries)
        if waits:
            reason, wait = max(waits.items(), key=lambda item: item[1])
            return _Decision(None, wait, reason)
        return _Decision(_take(key_id, now, batch=batch, cost=cost, limits=limits))


def _lock_key(key: str) -> tuple[int, float]:
    """Locks the key's row for this transaction (creating it the first time); returns (id, paused_until)."""
    if connection.vendor == "sqlite" and not _sqlite_begins_immediate():
        # A deferred SQLite transaction only reads here, so two deciders could both read and then race to
        # write; writing first takes the database's write lock before anything is read.
        RateLimitKey.objects.filter(key=key).update(paused_until=F("paused_until"))
    locked = RateLimitKey.objects.select_for_update().filter(key=key)
    row = locked.values_list("pk", "paused_until").first()
    if row is None:
        _ensure_key(key)
        row = locked.values_list("pk", "paused_until").get()
    return row


def _sqlite_begins_immediate() -> bool:
    mode = str(connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") or "").upper()
    return mode in {"IMMEDIATE", "EXCLUSIVE"}


def _ensure_key(key: str) -> None:
    # ignore_conflicts: another worker may create the same key at the same moment.
    RateLimitKey.objects.bulk_create([RateLimitKey(key=key)], ignore_conflicts=True)


def _usage(key_id: int, now: float, limits: Limits) -> _Usage:
    recent = Q(started_at__gt=now - limits.window_seconds)
    recent_batch = recent & Q(batch=True)
    live = Q(released_at__isnull=True, lease_until__gt=now)
    row = RateLimitRequest.objects.filter(limit_key_id=key_id).aggregate(
        cost=Sum("cost", filter=recent, default=0),
        oldest=Min("started_at", filter=recent),
        batches=Count("pk", filter=recent_batch),
        oldest_batch=Min("started_at", filter=recent_batch),
        in_flight=Count("pk", filter=live),
        oldest_in_flight=Min("started_at", filter=live),
        first_expiry=Min("lease_until", filter=live),
        typical_hold=Avg(F("released_at") - F("started_at"), filter=Q(released_at__isnull=False)),
    )
    return _Usage(**row)


def _waits(
    usage: _Usage, now: float, *, batch: bool, cost: int, limits: Limits, retries: int
) -> dict[str, float]:
    """How long each limit that would be broken by starting now keeps us waiting (empty: go)."""
    waits: dict[str, float] = {}
    window = limits.window_seconds
    if usage.cost + cost > limits.per_window and usage.oldest is not None:
        # When the oldest start leaves the window there is room again. (If several must leave, e.g. after
        # the limits were lowered, we wake early and simply decide again.)
        waits["window"] = usage.oldest + window - now + _WAKE_SLACK
    if batch and usage.batches + 1 > limits.batch_per_window and usage.oldest_batch is not None:
        waits["batch"] = usage.oldest_batch + window - now + _WAKE_SLACK
    if usage.in_flight + 1 > limits.concurrent:
        waits["concurrency"] = _concurrency_wait(usage, now, retries)
    return waits


def _concurrency_wait(usage: _Usage, now: float, retries: int) -> float:
    """A guess at when a lease frees: the oldest in-flight request should finish after a typical hold;
    once that moment has passed, back off. Never later than the first lease expires."""
    assert usage.first_expiry is not None and usage.oldest_in_flight is not None
    expected = (
        usage.oldest_in_flight + usage.typical_hold - now if usage.typical_hold is not None else 0.0
    )
    backoff = min(_FIRST_RETRY * 2**retries, _LONGEST_RETRY)
    guess = expected if expected > _FIRST_RETRY else backoff
    return min(guess, usage.first_expiry - now + _WAKE_SLACK)


def _take(key_id: int, now: float, *, batch: bool, cost: int, limits: Limits) -> int:
    # Rows that neither count towards the window nor hold a live lease are history: drop them as we go,
    # which keeps each key's rows to about one window's worth.
    RateLimitRequest.objects.filter(limit_key_id=key_id, started_at__lte=now - limits.window_seconds).filter(
        Q(released_at__isnull=False) | Q(lease_until__lte=now)
    ).delete()
    request = RateLimitRequest.objects.create(
        limit_key_id=key_id,
        started_at=now,
        cost=cost,
        batch=batch,
        lease_until=now + limits.lease_seconds,
    )
    return request.pk
