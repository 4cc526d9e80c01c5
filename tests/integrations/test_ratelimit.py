"""The shared rate limiter: its rules under a controlled clock, then with real worker processes sharing one
database (the SQLite file here, or the PostgreSQL test database under scripts/with-postgres).

Worker processes are spawned, not forked, so each opens its own connection the way separate workers do.
They import this module before anything has set Django up, hence the setup guard below.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import django
from django.apps import apps

if not apps.ready:  # a spawned worker: settings come from the environment the test prepared
    django.setup()

import pytest  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tanto.integrations import ratelimit  # noqa: E402
from tanto.integrations.models import RateLimitRequest  # noqa: E402
from tanto.integrations.ratelimit import (  # noqa: E402
    Limits,
    RateLimitWait,
    limits_from_settings,
    pause,
    paused_for,
    slot,
)

SPAWN = multiprocessing.get_context("spawn")
Queue = Any  # multiprocessing queues have no public generic type


class FakeClock:
    """The limiter's clock and sleep: sleeping moves the clock on at once, and is recorded."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []
        self.on_sleep: Callable[[], None] = lambda: None

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        self.on_sleep()


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(ratelimit, "clock", fake)
    monkeypatch.setattr(ratelimit, "sleep", fake.sleep)
    return fake


def refused(key: str, limits: Limits, **kw: Any) -> RateLimitWait:
    with pytest.raises(RateLimitWait) as caught, slot(key, limits=limits, max_wait=0, **kw):
        pass
    return caught.value


def admitted(key: str, limits: Limits, **kw: Any) -> None:
    with slot(key, limits=limits, max_wait=0, **kw):
        pass


# --- The rules, one process, controlled clock ---------------------------------------------------------


@pytest.mark.django_db
def test_window_slides_rather_than_resetting_in_buckets(fake_clock: FakeClock) -> None:
    limits = Limits(per_window=3, window_seconds=1.0, concurrent=10)
    for at in (0.0, 0.4, 0.8):
        fake_clock.now = 1_000_000.0 + at
        admitted("k", limits)
    fake_clock.now = 1_000_000.9
    assert refused("k", limits).seconds == pytest.approx(0.1, abs=0.001)
    # The first start leaves the window at exactly 1.0 s after it...
    fake_clock.now = 1_000_001.0
    admitted("k", limits)
    # ...but the starts at 0.4 and 0.8 are still inside it: a fresh fixed bucket would let this one through.
    fake_clock.now = 1_000_001.1
    wait = refused("k", limits)
    assert wait.reason == "window"
    assert wait.seconds == pytest.approx(0.3, abs=0.001)


@pytest.mark.django_db
def test_a_full_window_waits_exactly_until_the_oldest_start_leaves(fake_clock: FakeClock) -> None:
    limits = Limits(per_window=2, window_seconds=1.0)
    t0 = fake_clock.now
    admitted("k", limits)
    fake_clock.now = t0 + 0.3
    admitted("k", limits)
    fake_clock.now = t0 + 0.5
    with slot("k", limits=limits, max_wait=5):
        started = fake_clock.now
    # One sleep, to the instant the start at t0 leaves (plus well under a millisecond), then straight on.
    assert len(fake_clock.slept) == 1
    assert t0 + 1.0 <= started < t0 + 1.001
    fake_clock.slept.clear()
    with slot("k", limits=limits, max_wait=5):
        assert t0 + 1.3 <= fake_clock.now < t0 + 1.301
    assert len(fake_clock.slept) == 1


@pytest.mark.django_db
def test_a_pause_during_a_wait_holds_back_the_booked_start(fake_clock: FakeClock) -> None:
    limits = Limits(per_window=1, window_seconds=1.0)
    t0 = fake_clock.now
    admitted("k", limits)
    # While we wait for the window, another worker meets a 429.
    fake_clock.on_sleep = lambda: pause("k", 3.0) if len(fake_clock.slept) == 1 else None
    with slot("k", limits=limits, max_wait=10):
        started = fake_clock.now
    assert started >= t0 + 1.0 + 3.0
    # The start booked before the pause was given up. Left behind, its lease would still be live (and the
    # row kept); the first start, released and long out of the window, has been pruned.
    assert list(RateLimitRequest.objects.values_list("started_at", flat=True)) == [started]


@pytest.mark.django_db
def test_batch_requests_have_their_own_limit_and_count_as_requests(fake_clock: FakeClock) -> None:
    limits = Limits(per_window=5, batch_per_window=2, window_seconds=1.0, concurrent=10)
    admitted("k", limits, batch=True)
    admitted("k", limits, batch=True)
    assert refused("k", limits, batch=True).reason == "batch"
    # Plain requests may still go, but only three: the two batches used two of the five.
    for _ in range(3):
        admitted("k", limits)
    assert refused("k", limits).reason == "window"
    fake_clock.now += 1.0
    admitted("k", limits, batch=True)


@pytest.mark.django_db
def test_cost_counts_several_requests_against_the_window(fake_clock: FakeClock) -> None:
    limits = Limits(per_window=10, window_seconds=1.0)
    admitted("k", limits, batch=True, cost=8)
    assert refused("k", limits, cost=3).reason == "window"
    admitted("k", limits, cost=2)
    with pytest.raises(ValueError):
        admitted("k", limits, cost=11)


@pytest.mark.django_db
def test_in_flight_slots_are_limited_and_given_back_even_on_errors(fake_clock: FakeClock) -> None:
    limits = Limits(concurrent=2, lease_seconds=30.0)
    with slot("k", limits=limits), slot("k", limits=limits):
        assert refused("k", limits).reason == "concurrency"
    with pytest.raises(KeyError), slot("k", limits=limits):
        raise KeyError("the request failed")
    with slot("k", limits=limits), slot("k", limits=limits):
        pass


@pytest.mark.django_db
def test_an_unreleased_slot_is_reclaimed_when_its_lease_expires(fake_clock: FakeClock) -> None:
    limits = Limits(concurrent=1, lease_seconds=5.0)
    ratelimit.acquire("k", batch=False, limits=limits, max_wait=0)  # its holder "dies": no release
    fake_clock.now += 4.9
    wait = refused("k", limits)
    assert wait.reason == "concurrency"
    assert wait.seconds <= 0.1 + 0.001  # never guesses past the moment the lease expires
    fake_clock.now += 0.1
    admitted("k", limits)


@pytest.mark.django_db
def test_keys_are_independent(fake_clock: FakeClock) -> None:
    limits = Limits(per_window=2, concurrent=1, window_seconds=10.0)
    with slot("quickbooks:1", limits=limits):
        assert refused("quickbooks:1", limits).reason == "concurrency"
        admitted("quickbooks:2", limits)  # its own in-flight slot
    admitted("quickbooks:1", limits)
    assert refused("quickbooks:1", limits).reason == "window"
    admitted("quickbooks:2", limits)
    assert refused("quickbooks:2", limits).reason == "window"
    admitted("quickbooks:3", limits)


@pytest.mark.django_db
def test_pause_stops_only_its_key_and_keeps_the_longest_pause(fake_clock: FakeClock) -> None:
    limits = Limits()
    assert paused_for("quickbooks:1") == 0
    pause("quickbooks:1", 60)
    pause("quickbooks:1", 5)  # a shorter Retry-After does not cut the pause short
    assert paused_for("quickbooks:1") == pytest.approx(60)
    wait = refused("quickbooks:1", limits)
    assert (wait.reason, wait.key) == ("pause", "quickbooks:1")
    assert wait.seconds == pytest.approx(60, abs=0.01)
    admitted("quickbooks:2", limits)
    fake_clock.now += 60
    assert paused_for("quickbooks:1") == 0
    admitted("quickbooks:1", limits)


@pytest.mark.django_db
def test_waiting_blocks_until_the_pause_ends_unless_that_is_too_long() -> None:
    limits = Limits()
    pause("quickbooks:1", 0.3)
    with pytest.raises(RateLimitWait) as caught, slot("quickbooks:1", limits=limits, max_wait=0.2):
        pass
    assert 0.2 < caught.value.seconds <= 0.3 + 0.01
    began = time.monotonic()
    with slot("quickbooks:1", limits=limits, max_wait=1.0):
        waited = time.monotonic() - began
    assert 0.25 <= waited < 0.6


@pytest.mark.django_db
def test_a_caller_with_other_work_is_given_the_pause_at_once(fake_clock: FakeClock) -> None:
    pause("quickbooks:1", 30)
    with (
        pytest.raises(RateLimitWait) as caught,
        slot("quickbooks:1", limits=Limits(), max_wait=300, wait_out_pause=False),
    ):
        pass
    assert caught.value.reason == "pause" and caught.value.seconds == pytest.approx(30, abs=0.01)
    with slot("quickbooks:2", limits=Limits(), wait_out_pause=False):
        pass  # another company is not held up


@pytest.mark.django_db
def test_refuses_to_run_inside_a_transaction() -> None:
    # The key's lock (on SQLite, the whole database) would be held until that transaction ended, and the
    # lease would stay invisible to other workers.
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic(), slot("k", limits=Limits()):
        pass


@pytest.mark.django_db
def test_an_acquisition_costs_a_handful_of_queries() -> None:
    limits = Limits()
    admitted("k", limits)  # the key's row exists from now on
    with CaptureQueriesContext(connection) as queries:
        admitted("k", limits)
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    # lock the key row, one aggregate, prune, insert; release is one update (plus savepoint/transaction
    # statements, which depend on the backend and on running inside the test's transaction)
    work = [s for s in statements if s in {"SELECT", "UPDATE", "INSERT", "DELETE"}]
    assert work == ["SELECT", "SELECT", "DELETE", "INSERT", "UPDATE"], statements


def test_limits_come_from_settings(settings: Any) -> None:
    assert limits_from_settings() == Limits()
    settings.QBO_RATE_LIMITS = {"window_seconds": 2.0, "concurrent": 4}
    assert limits_from_settings() == Limits(window_seconds=2.0, concurrent=4)
    settings.QBO_RATE_LIMITS = {"per_minute": 10}
    with pytest.raises(ImproperlyConfigured):
        limits_from_settings()
    settings.QBO_RATE_LIMITS = {"concurrent": 0}
    with pytest.raises(ImproperlyConfigured):
        limits_from_settings()


# --- Real worker processes sharing one database -------------------------------------------------------
#
# A few workers are spawned once for the module (starting Python and Django costs seconds) and are handed
# jobs; shared counters live in multiprocessing values they inherited when spawned.


class _Shared:
    """What every worker inherits: a start line, and the number of request bodies running right now."""

    def __init__(self, parties: int) -> None:
        self.start_line = SPAWN.Barrier(parties)
        self.in_flight = SPAWN.Value("i", 0)
        self.peak = SPAWN.Value("i", 0)


def _migrate(shared: _Shared) -> None:
    call_command("migrate", "integrations", verbosity=0)


class _StartRecorder:
    """Notes, per thread, the start the limiter booked: slot() goes through acquire(), which returns it."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.acquire = ratelimit.acquire

    def __call__(self, *args: Any, **kw: Any) -> ratelimit.Lease:
        lease = self.acquire(*args, **kw)
        self.local.started_at = lease.started_at
        return lease


def _hammer(
    shared: _Shared, key: str, limits: Limits, threads: int, requests: int, hold: float
) -> list[float]:
    recorder = _StartRecorder()
    ratelimit.acquire = recorder
    starts: list[float] = []

    def run() -> None:
        try:
            for _ in range(requests):
                with slot(key, limits=limits, max_wait=30):
                    starts.append(recorder.local.started_at)
                    with shared.in_flight.get_lock():
                        shared.in_flight.value += 1
                        shared.peak.value = max(shared.peak.value, shared.in_flight.value)
                    time.sleep(hold)
                    with shared.in_flight.get_lock():
                        shared.in_flight.value -= 1
        finally:
            connection.close()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    shared.start_line.wait(60)
    try:
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    finally:
        ratelimit.acquire = recorder.acquire
    assert len(starts) == threads * requests, "a worker thread failed"
    return starts


def _reclaim(shared: _Shared, key: str, limits: Limits) -> tuple[str, float]:
    try:
        with slot(key, limits=limits, max_wait=0):
            pass
        refusal = ""
    except RateLimitWait as wait:
        refusal = wait.reason
    with slot(key, limits=limits, max_wait=10):
        return refusal, time.time()


JOBS: dict[str, Callable[..., Any]] = {"migrate": _migrate, "hammer": _hammer, "reclaim": _reclaim}


def _serve(jobs: Queue, results: Queue, shared: _Shared) -> None:
    try:
        connection.ensure_connection()  # connect now, not inside a measured run
    except BaseException:
        results.put(("error", traceback.format_exc()))
        return
    results.put(("ready", None))
    while (job := jobs.get()) is not None:
        name, args = job
        try:
            results.put(("ok", JOBS[name](shared, *args)))
        except BaseException:
            results.put(("error", traceback.format_exc()))


class Workers:
    def __init__(self, size: int, directory: Path) -> None:
        self.directory = directory  # their TANTO_DATA_DIR (and SQLite file)
        self.shared = _Shared(size)
        self.results: Queue = SPAWN.Queue()
        self.jobs: list[Queue] = [SPAWN.Queue() for _ in range(size)]
        self.processes = [
            SPAWN.Process(target=_serve, args=(jobs, self.results, self.shared), daemon=True)
            for jobs in self.jobs
        ]
        # One at a time: the first connection turns a new SQLite file to WAL, and connections racing that
        # switch are refused ("database is locked") instead of waiting.
        for process in self.processes:
            process.start()
            status, value = self.results.get(timeout=90)
            if status != "ready":
                pytest.fail(f"worker failed to start:\n{value}")

    def run(self, name: str, *args: Any, on: int | None = None) -> list[Any]:
        """Runs a job on every worker (or just worker `on`) and returns their results."""
        self.shared.in_flight.value = self.shared.peak.value = 0
        chosen = self.jobs if on is None else [self.jobs[on]]
        for jobs in chosen:
            jobs.put((name, args))
        results = [self.results.get(timeout=90) for _ in chosen]
        for status, value in results:
            if status == "error":
                pytest.fail(f"worker failed:\n{value}")
        return [value for _, value in results]

    def stop(self) -> None:
        for jobs in self.jobs:
            jobs.put(None)
        for process in self.processes:
            process.join(10)
            if process.is_alive():
                process.kill()


def _point_workers_at(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Spawned processes inherit this environment, so they open the database the tests use."""
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tanto.settings")
    monkeypatch.setenv("TANTO_DATA_DIR", str(directory))
    if connection.vendor == "postgresql":
        # pytest-django's test database; transactional tests leave what the workers write visible to all.
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"])
        monkeypatch.setenv("DATABASE_URL", urlunsplit(url))
    else:
        # The SQLite test database lives in this process's memory: the workers share a file instead.
        monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(scope="module")
def workers(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    directory = tmp_path_factory.mktemp("ratelimit-workers")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _point_workers_at(monkeypatch, directory)
        pool = Workers(3, directory)
    try:
        if connection.vendor == "sqlite":
            pool.run("migrate", on=0)
        yield pool
    finally:
        pool.stop()


def unique_key(name: str) -> str:
    # The SQLite file outlives a test; fresh keys keep tests (and reruns) from seeing each other's rows.
    return f"test:{name}:{time.time_ns()}"


def hammer(
    workers: Workers, limits: Limits, *, threads: int, requests: int, hold: float = 0.0
) -> tuple[list[float], int]:
    """Every worker runs `threads` threads sending `requests` each through slot(); returns the sorted
    starts and the most bodies seen running at once."""
    per_worker = workers.run("hammer", unique_key("hammer"), limits, threads, requests, hold)
    return sorted(t for starts in per_worker for t in starts), workers.shared.peak.value


def most_starts_in_any_window(starts: list[float], window: float) -> int:
    most, first = 0, 0
    for last, at in enumerate(starts):
        # 1 µs of slack for float rounding: a start one window earlier than another has left its window.
        while at - starts[first] >= window - 1e-6:
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.mark.django_db(transaction=True)
def test_workers_never_exceed_the_sliding_window_and_come_close_to_it(workers: Workers) -> None:
    limits = Limits(per_window=20, window_seconds=0.5, concurrent=100)
    starts, _ = hammer(workers, limits, threads=2, requests=15)

    assert len(starts) == 90
    assert most_starts_in_any_window(starts, limits.window_seconds) == limits.per_window
    # At 20 per 0.5 s the fastest schedule starts the last of 90 requests four windows after the first.
    fastest = (math.ceil(len(starts) / limits.per_window) - 1) * limits.window_seconds
    ratio = fastest / (starts[-1] - starts[0])
    print(f"[{connection.vendor}] window: {ratio:.1%} of the fastest the limit allows")
    assert ratio >= 0.8


@pytest.mark.django_db(transaction=True)
def test_workers_never_exceed_the_in_flight_limit(workers: Workers) -> None:
    limits = Limits(per_window=1000, concurrent=4, window_seconds=1.0)
    hold = 0.05
    starts, peak = hammer(workers, limits, threads=3, requests=6, hold=hold)

    assert len(starts) == 54
    assert peak == limits.concurrent  # reached, never passed
    fastest = len(starts) * hold / limits.concurrent
    ratio = fastest / (starts[-1] + hold - starts[0])
    print(f"[{connection.vendor}] in flight: peak {peak}, {ratio:.1%} of the fastest the limit allows")
    assert ratio >= 0.6


def _hold_forever(key: str, limits: Limits, entered: Queue) -> None:
    with slot(key, limits=limits):
        entered.put(time.time())
        time.sleep(600)


@pytest.mark.django_db(transaction=True)
def test_a_crashed_holders_slot_is_reclaimed_after_its_lease(
    workers: Workers, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, limits = unique_key("crash"), Limits(concurrent=1, lease_seconds=1.0)
    entered = SPAWN.Queue()
    _point_workers_at(monkeypatch, workers.directory)
    holder = SPAWN.Process(target=_hold_forever, args=(key, limits, entered))
    holder.start()
    try:
        entered_at = entered.get(timeout=60)
    finally:
        holder.kill()  # SIGKILL inside the slot: its release never runs
        holder.join(10)

    [(refusal, admitted_at)] = workers.run("reclaim", key, limits, on=0)
    assert refusal == "concurrency"
    # The lease began just before the holder noted `entered_at`; the slot is given out once it expires.
    assert entered_at + limits.lease_seconds - 0.05 <= admitted_at <= entered_at + limits.lease_seconds + 0.3
