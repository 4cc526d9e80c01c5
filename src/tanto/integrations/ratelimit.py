"""Outbound rate limiting shared by every worker process through the database.

Providers limit us per company: so many request starts in any sliding window, so many requests in flight at
once, so many batch requests per window, and after a 429 they expect silence for a while. Workers may run on
several machines, so the only place they can agree is the database:

* a `RateLimitKey` row per key, locked while a decision is made, so deciders for one key take turns;
* a `RateLimitRequest` row per request start: it counts towards the window until it is older than the
  window, and it is the in-flight lease until released or, if its holder died, until the lease expires.

A decision is one short transaction: lock the key row, one aggregate over its request rows, then prune the
rows that no longer matter and insert ours. If the window is full, the row is booked for the first instant
the window has room and the caller sleeps until then (outside the transaction), so waiting workers do not
all wake at once and race. A booked start holds its in-flight slot while it waits, and is given up if the
key is paused meanwhile. If every in-flight slot is taken, or the key is paused, nothing is booked: the
caller sleeps until the pause ends or a slot is likely free (when a lease frees is a guess; its expiry is
the latest it can be) and asks again; a caller that has other keys' work to do can ask to be told of a
pause at once instead. No transaction is ever open while the caller's own request runs.

The module knows keys, not providers: callers namespace them ("quickbooks:<keyed hash of the realm id>").
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
from django.db.models import F, Value
from django.db.models.functions import Greatest

from tanto.integrations.models import RateLimitKey, RateLimitRequest

logger = logging.getLogger(__name__)

# Wall clock, because processes on different machines must agree on it. Tests may replace both.
clock: Callable[[], float] = time.time
sleep: Callable[[float], None] = time.sleep

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
    lease: Lease | None  # the lease we now hold (possibly for a start still to come), or None
    wait: float = 0.0  # until the lease's start, or until it is worth deciding again
    reason: str = ""  # "pause", "window", "batch" or "concurrency" when there is a wait


@dataclass(frozen=True)
class _Usage:
    """What the key's request rows say at one instant (one aggregate query)."""

    cost: int  # requests started within the window
    latest: float | None  # the last start booked, possibly still to come
    batches: int  # batch requests started within the window
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

# Threads of one process take turns at the database through this lock. Without it they would contend for
# the same row lock (on SQLite, the database's write lock, whose busy handler sleeps for milliseconds
# between attempts); queued here, the next thread goes the moment the previous one commits.
_turns = threading.Lock()


@contextmanager
def slot(
    key: str,
    *,
    batch: bool = False,
    limits: Limits | None = None,
    max_wait: float = 300.0,
    cost: int = 1,
    wait_out_pause: bool = True,
) -> Iterator[None]:
    """Blocks until sending one more request for `key` stays within every limit, holds an in-flight slot
    while the body runs, and releases it after (also on exceptions). Raises RateLimitWait (with .seconds)
    if it would have to wait longer than `max_wait` seconds in all, or at once if the key is paused and
    `wait_out_pause` is false (a caller with other keys' work to do should not sleep through a pause).

    `cost` is how many requests this one counts as against `per_window` (a provider may meter each
    operation of a batch as a request). Must not be called inside a transaction: the lease has to be
    visible to other workers, and the key's lock must not be held while the request runs."""
    lease = acquire(
        key,
        batch=batch,
        limits=limits or limits_from_settings(),
        max_wait=max_wait,
        cost=cost,
        wait_out_pause=wait_out_pause,
    )
    try:
        yield
    finally:
        release(lease)


@dataclass(frozen=True)
class Lease:
    """An in-flight slot taken by acquire()."""

    id: int
    key: str
    started_at: float
    lease_until: float


def acquire(
    key: str, *, batch: bool, limits: Limits, max_wait: float, cost: int = 1, wait_out_pause: bool = True
) -> Lease:
    """Waits for and takes a slot; hand the lease to release() when done. Prefer slot()."""
    if cost > limits.per_window:
        raise ValueError(f"a request costing {cost} can never fit {limits.per_window} per window")
    deadline = time.monotonic() + max_wait
    concurrency_waits = 0
    while True:
        seen_releases = _releases.mark()
        with _turns:
            decision = _decide(
                key,
                batch=batch,
                cost=cost,
                limits=limits,
                max_wait=max(0.0, deadline - time.monotonic()),
                retries=concurrency_waits,
            )
        if decision.lease is not None:
            if _reached(decision.lease):
                return decision.lease
            continue  # paused while we waited for our reserved start: decide again
        too_long = decision.wait > max(0.0, deadline - time.monotonic())
        if too_long or (decision.reason == "pause" and not wait_out_pause):
            raise RateLimitWait(key, decision.wait, decision.reason)
        if decision.reason == "concurrency":
            concurrency_waits += 1
            _releases.wait(seen_releases, decision.wait)
        else:
            sleep(decision.wait)


def _reached(lease: Lease) -> bool:
    """Sleeps until a reserved start; False (reservation cancelled) if the key was paused meanwhile."""
    delay = lease.started_at - clock()
    if delay <= 0:
        return True
    try:
        sleep(delay)
        paused_until = RateLimitKey.objects.filter(key=lease.key).values_list("paused_until", flat=True).get()
    except BaseException:
        _cancel(lease)
        raise
    if paused_until <= clock():
        return True
    # A 429 arrived after we booked our start: going ahead would send into the pause.
    _cancel(lease)
    return False


def _cancel(lease: Lease) -> None:
    # Deleting a start we never made only leaves more room for everyone else.
    RateLimitRequest.objects.filter(pk=lease.id).delete()
    _releases.notify()


def release(lease: Lease) -> None:
    """Ends a lease taken by acquire(). The row stays: it still counts towards the window."""
    now = clock()
    try:
        # Autocommit, one statement: giving a slot back needs no lock on the key row.
        with _turns:
            _sql("UPDATE {requests} SET released_at = %(now)s WHERE id = %(id)s", now=now, id=lease.id)
    except DatabaseError:
        # Never mask the caller's own outcome; an unreleased lease frees itself when it expires.
        logger.exception(
            "Could not release rate-limit lease %s for %s; it expires by itself",
            lease.id,
            lease.key,
        )
    finally:
        _releases.notify()
    if now > lease.lease_until:
        logger.warning(
            "A request for %s held its rate-limit slot for %.1fs, past its lease: another worker may have "
            "been given the slot meanwhile",
            lease.key,
            now - lease.started_at,
        )


def pause(key: str, seconds: float) -> None:
    """After a 429: nobody starts a request for `key` until `seconds` from now (or any later pause)."""
    until = clock() + seconds
    # Not durable: a 429 may be met inside a caller's transaction, and refusing to pause there is worse.
    later = Greatest(F("paused_until"), Value(until))
    with transaction.atomic():
        if not RateLimitKey.objects.filter(key=key).update(paused_until=later):
            _ensure_key(key)
            RateLimitKey.objects.filter(key=key).update(paused_until=later)
    logger.info("Rate limit: pausing %s for %.1fs", key, seconds)


def paused_for(key: str) -> float:
    """Seconds left of the pause on `key` (0 if not paused)."""
    until = RateLimitKey.objects.filter(key=key).values_list("paused_until", flat=True).first()
    return max(0.0, (until or 0.0) - clock())


def _decide(key: str, *, batch: bool, cost: int, limits: Limits, max_wait: float, retries: int) -> _Decision:
    """One locked decision, a handful of queries: take a slot now, book one for later, or say how long
    to wait before asking again."""
    # durable: inside a caller's transaction the lock (and on SQLite the whole database) would stay held
    # and our lease stay invisible to other workers until that transaction ends.
    with transaction.atomic(durable=True):
        key_id, paused_until = _lock_key(key)
        # Read the clock only once the lock is ours, so starts are booked in the order decisions are made;
        # a clock read before waiting for the lock could book a start before one already booked, and the
        # window check would then miss it.
        now = clock()
        if paused_until > now:
            return _Decision(None, paused_until - now + _WAKE_SLACK, "pause")
        usage = _usage(key_id, now, limits)
        if usage.in_flight + 1 > limits.concurrent:
            return _Decision(None, _concurrency_wait(usage, now, retries), "concurrency")
        start, reason = _earliest_start(key_id, usage, now, batch=batch, cost=cost, limits=limits)
        if start > now and start - now > max_wait:
            return _Decision(None, start - now, reason)
        # When the window is full we book the first instant it has room (the caller sleeps until then)
        # rather than have every waiting worker wake together and race for it: one decision per request,
        # and the window is used to the full.
        request_id = _take(key_id, start, now, batch=batch, cost=cost, limits=limits)
        return _Decision(Lease(request_id, key, start, start + limits.lease_seconds), start - now, reason)


def _lock_key(key: str) -> tuple[int, float]:
    """Locks the key's row for this transaction (creating it the first time); returns (id, paused_until)."""
    if connection.vendor == "sqlite" and not _sqlite_begins_immediate():
        # A deferred SQLite transaction only reads here, so two deciders could both read and then race to
        # write; writing first takes the database's write lock before anything is read.
        _sql("UPDATE {keys} SET paused_until = paused_until WHERE {key} = %(key)s", key=key)
    row = _sql(_lock_sql(), key=key)
    if row is None:
        _ensure_key(key)
        row = _sql(_lock_sql(), key=key)
    assert row is not None
    return int(row[0]), float(row[1])


def _sqlite_begins_immediate() -> bool:
    mode = str(connection.settings_dict.get("OPTIONS", {}).get("transaction_mode") or "").upper()
    return mode in {"IMMEDIATE", "EXCLUSIVE"}


def _ensure_key(key: str) -> None:
    # ignore_conflicts: another worker may create the same key at the same moment.
    RateLimitKey.objects.bulk_create([RateLimitKey(key=key)], ignore_conflicts=True)


def _usage(key_id: int, now: float, limits: Limits) -> _Usage:
    # One pass over the key's rows, of which pruning keeps about one window's worth.
    row = _sql(_USAGE_SQL, horizon=now - limits.window_seconds, now=now, key_id=key_id, yes=True)
    assert row is not None
    cost, latest, batches, in_flight, oldest_in_flight, first_expiry, typical_hold = row
    return _Usage(
        cost=int(cost),
        latest=latest,
        batches=int(batches),
        in_flight=int(in_flight),
        oldest_in_flight=oldest_in_flight,
        first_expiry=first_expiry,
        typical_hold=typical_hold,
    )


_LIVE = "released_at IS NULL AND lease_until > %(now)s"
_USAGE_SQL = f"""
    SELECT
        COALESCE(SUM(CASE WHEN started_at > %(horizon)s THEN cost ELSE 0 END), 0),
        MAX(started_at),
        COALESCE(SUM(CASE WHEN started_at > %(horizon)s AND batch = %(yes)s THEN 1 ELSE 0 END), 0),
        COALESCE(SUM(CASE WHEN {_LIVE} THEN 1 ELSE 0 END), 0),
        MIN(CASE WHEN {_LIVE} THEN started_at END),
        MIN(CASE WHEN {_LIVE} THEN lease_until END),
        AVG(released_at - started_at)
    FROM {{requests}}
    WHERE limit_key_id = %(key_id)s
"""


def _earliest_start(
    key_id: int, usage: _Usage, now: float, *, batch: bool, cost: int, limits: Limits
) -> tuple[float, str]:
    """The first instant from now at which starting keeps every window within its limit, and which limit
    set it. Starts are booked in order (never before one already booked), so only the window ending at
    our own start needs checking: windows ending at earlier starts do not contain it."""
    start, reason = max(now, usage.latest or now), "window"
    window = limits.window_seconds
    excess = usage.cost + cost - limits.per_window
    if excess > 0:
        leaving = _start_leaving(key_id, now, window, excess, batch_only=False)
        start = max(start, leaving + window + _WAKE_SLACK)
    if batch and usage.batches + 1 > limits.batch_per_window:
        leaving = _start_leaving(
            key_id, now, window, usage.batches + 1 - limits.batch_per_window, batch_only=True
        )
        if leaving + window + _WAKE_SLACK > start:
            start, reason = leaving + window + _WAKE_SLACK, "batch"
    return start, reason


def _start_leaving(key_id: int, now: float, window: float, excess: int, *, batch_only: bool) -> float:
    """The start that has to leave the window, oldest first, before `excess` more units fit."""
    only_batches = " AND batch = %(yes)s" if batch_only else ""
    oldest_first = _rows(
        "SELECT started_at, cost FROM {requests} WHERE limit_key_id = %(key_id)s AND started_at > %(horizon)s"
        + only_batches
        + " ORDER BY started_at, id LIMIT %(excess)s",
        key_id=key_id,
        horizon=now - window,
        yes=True,
        excess=excess,
    )
    freed = 0
    # Each row frees at least one unit, so the oldest `excess` rows are all we can need.
    for started_at, row_cost in oldest_first:
        freed += 1 if batch_only else row_cost
        if freed >= excess:
            return float(started_at)
    return now  # not reached while we hold the lock: the counts came from these same rows


def _concurrency_wait(usage: _Usage, now: float, retries: int) -> float:
    """A guess at when a lease frees: the oldest in-flight request should finish after a typical hold;
    once that moment has passed, back off. Never later than the first lease expires."""
    assert usage.first_expiry is not None and usage.oldest_in_flight is not None
    expected = usage.oldest_in_flight + usage.typical_hold - now if usage.typical_hold is not None else 0.0
    # Overdue: retry sooner than a typical request lasts, so a slot freed by another process is not left
    # idle for long.
    longest = _LONGEST_RETRY if usage.typical_hold is None else max(_FIRST_RETRY, usage.typical_hold / 4)
    backoff = min(_FIRST_RETRY * 2**retries, longest, _LONGEST_RETRY)
    guess = expected if expected > _FIRST_RETRY else backoff
    return min(guess, usage.first_expiry - now + _WAKE_SLACK)


def _take(key_id: int, start: float, now: float, *, batch: bool, cost: int, limits: Limits) -> int:
    # Rows that neither count towards the window nor hold a live lease are history: drop them as we go,
    # which keeps each key's rows to about one window's worth.
    _sql(
        "DELETE FROM {requests} WHERE limit_key_id = %(key_id)s AND started_at <= %(horizon)s"
        " AND (released_at IS NOT NULL OR lease_until <= %(now)s)",
        key_id=key_id,
        horizon=now - limits.window_seconds,
        now=now,
    )
    row = _sql(
        "INSERT INTO {requests} (limit_key_id, started_at, cost, batch, lease_until)"
        " VALUES (%(key_id)s, %(start)s, %(cost)s, %(batch)s, %(lease_until)s) RETURNING id",
        key_id=key_id,
        start=start,
        cost=cost,
        batch=batch,
        lease_until=start + limits.lease_seconds,
    )
    assert row is not None
    return int(row[0])


# The statements run on every request are plain SQL that SQLite (3.35+) and PostgreSQL both accept: built
# through the ORM they cost several times more than running them, and that cost is paid while the key is
# locked. {keys}, {requests} and {key} are the quoted table and column names.
def _rows(statement: str, **params: Any) -> list[tuple[Any, ...]]:
    quote = connection.ops.quote_name
    names = {
        "keys": quote(RateLimitKey._meta.db_table),
        "requests": quote(RateLimitRequest._meta.db_table),
        "key": quote("key"),
    }
    with connection.cursor() as cursor:
        cursor.execute(statement.format(**names), params)
        return cursor.fetchall() if cursor.description else []


def _sql(statement: str, **params: Any) -> tuple[Any, ...] | None:
    """Runs one statement; returns its first row, if it has any."""
    rows = _rows(statement, **params)
    return rows[0] if rows else None


def _lock_sql() -> str:
    # On SQLite the transaction itself holds the database's write lock, and FOR UPDATE does not exist.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return "SELECT id, paused_until FROM {keys} WHERE {key} = %(key)s" + lock
