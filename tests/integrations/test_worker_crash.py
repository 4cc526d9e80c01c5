"""A worker SIGKILLed in the middle of a push: another worker finishes the job, and QuickBooks holds
exactly one document per order. Real processes: `tanto worker` subprocesses on a shared database, the
emulator over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 6


def wait_for(check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)  # polling interval
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def database_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for subprocesses sharing one fresh database: a PostgreSQL database of its own when the
    suite runs on PostgreSQL, else an SQLite file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QBO_", "DJANGO_SETTINGS"))}
    env.update(
        {
            "TANTO_DATA_DIR": str(tmp_path / "data"),
            "TANTO_SYNC_LEASE_SECONDS": "2",
            "PYTHONPATH": str(ROOT),
            "TANTO_LOG_LEVEL": "WARNING",
        }
    )
    url = os.environ.get("DATABASE_URL")
    name = f"crash_{uuid.uuid4().hex[:8]}"
    if url:
        import psycopg

        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "tanto.cli", "manage", "migrate", "-v", "0"], env=env, check=True)
    yield env
    if url:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def harness(env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "tests.integrations.worker_harness", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_worker(env: dict[str, str], emulator: Any) -> subprocess.Popen[bytes]:
    worker_env = {**env, "QBO_ENVIRONMENT": emulator.discovery_url, "QBO_API_BASE_URL": emulator.base_url}
    return subprocess.Popen(
        [sys.executable, "-m", "tanto.cli", "worker", "--sweep-every", "1"], env=worker_env, cwd=ROOT
    )


def test_a_worker_killed_mid_push_leaves_exactly_one_document_per_order(emulator, database_env):
    emulator.reset()
    realm = emulator.realm_solo
    harness(database_env, "setup", emulator.base_url, realm, str(ORDERS))
    # Every invoice request hangs for a while, so the kill lands while one is in flight.
    emulator.faults({"method": "POST", "kind": "latency", "ms": 1500})
    first = start_worker(database_env, emulator)
    workers = [first]
    try:
        harness(database_env, "push", "invoice")
        wait_for(lambda: emulator.stats(realm).get("peak_concurrency", 0) >= 1, "a request in flight")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        emulator.faults()
        workers.append(start_worker(database_env, emulator))
        final = wait_for(
            lambda: (s := harness(database_env, "status"))["states"].get("synced") == ORDERS and s,
            "every order synced after the kill",
        )
        assert final["records"] == ORDERS
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=20)
    invoices = emulator.entities("Invoice", realm)
    markers = [inv.get("PrivateNote", "").rsplit("tanto:", 1)[-1] for inv in invoices]
    assert len(invoices) == ORDERS and len(set(markers)) == ORDERS
