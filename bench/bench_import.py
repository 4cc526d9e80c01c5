"""Contact import benchmark: `uv run python bench/bench_import.py`.

Starts the QuickBooks emulator as a subprocess (limits off, so only the import is measured), seeds a fresh
company with 10,000 customers and 5,000 vendors, and imports them into a fresh SQLite workspace exactly as
the background task does. Reports the QuickBooks requests made (floor 15: 10 + 5 pages of 1,000), contacts
per second, and the peak Python memory of the import at two sizes (flat = it does not grow with the data).
Prints a table and writes bench/results/import.json.
"""

from __future__ import annotations

import logging
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report, use_fresh_data_dir  # noqa: E402
from qbo_harness import CLIENT_ID, connect, point_settings_at, realm_requests, start_emulator  # noqa: E402

CUSTOMERS, VENDORS = 10_000, 5_000
SMALL = (2_000, 1_000)


def company(control: httpx.Client, name: str, customers: int, vendors: int) -> str:
    """A new company holding exactly the seeded contacts: the country seed's own are made inactive first
    (over the API, as an accountant would), so the import sees `customers` and `vendors` rows exactly."""
    realm = str(control.post("/_emulator/companies", json={"name": name, "country": "US"}).json()["realm_id"])
    token = control.post("/_emulator/tokens", json={"client_id": CLIENT_ID, "realm_id": realm}).json()
    api = f"/v3/company/{realm}"
    headers = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"}
    for entity in ("Customer", "Vendor"):
        found = (
            control.post(
                f"{api}/query",
                content=f"SELECT * FROM {entity} MAXRESULTS 1000",
                headers={**headers, "Content-Type": "application/text"},
            )
            .json()["QueryResponse"]
            .get(entity, [])
        )
        for row in found:
            control.post(
                f"{api}/{entity.lower()}",
                headers=headers,
                json={
                    "Id": row["Id"],
                    "SyncToken": row["SyncToken"],
                    "sparse": True,
                    "Active": False,
                },
            ).raise_for_status()
    control.post("/_emulator/seed", json={"realm_id": realm, "customers": customers, "vendors": vendors})
    return realm


def run_once(
    control: httpx.Client, name: str, customers: int, vendors: int, measure_memory: bool
) -> dict[str, Any]:
    from tanto.accounts.models import User
    from tanto.core.seeding import create_workspace
    from tanto.integrations.quickbooks.models import ImportRun
    from tanto.integrations.quickbooks.tasks import run_import

    realm = company(control, name, customers, vendors)
    admin = User.objects.create_user(f"{name}@bench.example", "bench")
    workspace = create_workspace(name, "US", "USD", admin, customers=0, suppliers=0)
    conn = connect(control, workspace, realm)
    run = ImportRun.objects.create(workspace=workspace, connection=conn)
    before = realm_requests(control, realm)
    if measure_memory:
        tracemalloc.start()
    started = time.perf_counter()
    run_import(run)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if measure_memory else 0
    if measure_memory:
        tracemalloc.stop()
    run.refresh_from_db()
    assert run.status == "done", (run.status, run.error)
    return {
        "realm": realm,
        "requests": realm_requests(control, realm) - before,
        "seconds": elapsed,
        "imported": run.processed,
        "created": run.created,
        "peak_bytes": peak,
    }


def main() -> int:
    use_fresh_data_dir()
    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("tanto").setLevel(logging.WARNING)  # one line per request would time the console
    call_command("migrate", verbosity=0)
    process, base = start_emulator("--no-limits")
    try:
        with httpx.Client(base_url=base, timeout=120) as control:
            point_settings_at(base)
            full = run_once(control, "bench-full", CUSTOMERS, VENDORS, measure_memory=False)
            full_memory = run_once(control, "bench-full-mem", CUSTOMERS, VENDORS, measure_memory=True)
            small = run_once(control, "bench-small-mem", *SMALL, measure_memory=True)
    finally:
        process.terminate()
        process.wait(timeout=10)
    per_second = full["imported"] / full["seconds"]
    growth = full_memory["peak_bytes"] / max(small["peak_bytes"], 1)
    rows = [
        (
            "contacts imported",
            f"{full['imported']:,}",
            f"{CUSTOMERS + VENDORS:,}",
            full["imported"] >= CUSTOMERS + VENDORS,
        ),
        ("QuickBooks requests", str(full["requests"]), "<= 17 (floor 15)", full["requests"] <= 17),
        ("contacts per second (SQLite)", f"{per_second:,.0f}", ">= 2,000", per_second >= 2000),
        ("import wall time", f"{full['seconds']:.2f} s", "", True),
        (
            f"peak memory, {CUSTOMERS + VENDORS:,} contacts",
            f"{full_memory['peak_bytes'] / 2**20:.1f} MiB",
            "",
            True,
        ),
        (f"peak memory, {sum(SMALL):,} contacts", f"{small['peak_bytes'] / 2**20:.1f} MiB", "", True),
        ("memory growth for 5x the data", f"{growth:.2f}x", "<= 1.5x (flat)", growth <= 1.5),
    ]
    ok = report("import", rows, {"full": full, "full_memory": full_memory, "small_memory": small})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
