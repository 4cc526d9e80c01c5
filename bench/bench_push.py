"""Push benchmark: `uv run python bench/bench_push.py`.

Against the emulator as a subprocess, into a fresh SQLite workspace, exactly as the worker pushes:
  1. requests per invoice when the customer and items are already linked (floor 1.00);
  2. a bulk push of 1,000 orders over 100 customers nobody has linked yet: requests per document (≤ 0.05);
  3. the same bulk push, by three workers, against the emulator enforcing QuickBooks' limits on a compressed
     window: wall time ≤ 1.05 × the least those limits allow for the requests made, and zero violations;
  4. worker CPU per document (this process only; the emulator runs elsewhere): ≤ 5 ms.
Prints a table and writes bench/results/push.json.
"""

from __future__ import annotations

import datetime
import logging
import math
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report, use_fresh_data_dir  # noqa: E402
from qbo_harness import connect, point_settings_at, realm_requests, start_emulator  # noqa: E402

SINGLES = 60
BULK, CUSTOMERS = 1000, 100
WINDOW = 40.0  # QuickBooks' 60 s window, compressed (the last request's own duration is overhead)
PER_WINDOW, BATCH_PER_WINDOW, CONCURRENT = 500, 40, 10


def workspace_with_orders(name: str, orders: int, customers: int) -> Any:
    from tanto.accounts.models import User
    from tanto.core.seeding import bulk_orders, create_workspace

    admin = User.objects.create_user(f"{name}@bench.example", "bench")
    workspace = create_workspace(name, "US", "USD", admin, seed=len(name), customers=customers, suppliers=5)
    bulk_orders(workspace, orders)
    return workspace


def active(control: httpx.Client, workspace: Any, realm: str) -> Any:
    return connect(
        control,
        workspace,
        realm,
        mode="simple",
        sales_sync_enabled=True,
        purchase_sync_enabled=True,
        sales_account_id="79",
        purchase_account_id="60",
        home_currency="USD",
        setup_completed_at=datetime.datetime.now(datetime.UTC),
    )


def fully_linked(conn: Any, order: Any) -> bool:
    from tanto.integrations.quickbooks.models import ContactLink, ItemLink

    variants = {row.variant_id for row in order.rows.all()}
    items = set(
        ItemLink.objects.filter(connection=conn, variant_id__in=variants).values_list("variant_id", flat=True)
    )
    return (
        items == variants
        and ContactLink.objects.filter(connection=conn, customer_id=order.customer_id).exists()
    )


def new_company(control: httpx.Client, name: str) -> str:
    # Realm ids of our own: two emulator runs would otherwise hand out the same ones.
    realm = str(9341452000090000 + len(name) * 100 + sum(map(ord, name)) % 100)
    body = {"name": name, "country": "US", "realm_id": realm}
    return str(control.post("/_emulator/companies", json=body).json()["realm_id"])


def push_all(conn: Any, orders: list[Any], workers: int = 1) -> tuple[float, float]:
    """Queues and pushes the orders as workers would (tasks of up to 300 records, `workers` at a time, each
    in its own thread and database connection); (wall, CPU) seconds."""
    from django.db import connection

    from tanto.integrations.outbox import Kind, State, SyncRecord
    from tanto.integrations.quickbooks import push

    records = push.request_documents(conn, Kind.INVOICE, orders)
    ids = [r.pk for r in records]
    tasks = [ids[start : start + 300] for start in range(0, len(ids), 300)]

    def worker(mine: list[list[int]]) -> None:
        try:
            for task in mine:
                push.push(task)
        finally:
            connection.close()

    wall, cpu = time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=worker, args=(tasks[n::workers],)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    synced = SyncRecord.objects.filter(pk__in=ids, state=State.SYNCED).count()
    assert synced == len(ids), f"{synced} of {len(ids)} synced"
    return wall, cpu


SENT: list[tuple[int, bool]] = []  # (cost, batch) of every request the push made, in order


def count_requests() -> None:
    """Wraps the limiter's slot() to note what each request cost; the pushes are otherwise untouched."""
    from tanto.integrations import ratelimit

    original = ratelimit.slot

    def counted(key: str, *, batch: bool = False, cost: int = 1, **kw: Any) -> Any:
        SENT.append((cost, batch))
        return original(key, batch=batch, cost=cost, **kw)

    ratelimit.slot = counted  # type: ignore[assignment]


def least_time() -> tuple[float, int, int]:
    """The earliest the last request may start under QuickBooks' sliding windows, for what was sent (the
    first starts at 0; a batch counts each operation). Returns (seconds, request units, batches)."""
    units = sum(cost for cost, _ in SENT)
    batches = sum(1 for _, is_batch in SENT if is_batch)
    windows = max(math.floor((units - 1) / PER_WINDOW), math.floor((batches - 1) / BATCH_PER_WINDOW))
    return WINDOW * windows, units, batches


def main() -> int:
    use_fresh_data_dir()
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    logging.getLogger("tanto").setLevel(logging.WARNING)
    logging.getLogger("tanto.integrations.quickbooks.client").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    from tanto.sales.models import SalesOrder

    results: dict[str, Any] = {}
    # 1 and 2: no limits on either side, so only our own requests and work are measured.
    process, base = start_emulator("--no-limits")
    try:
        point_settings_at(base)
        settings.QBO_RATE_LIMITS = {"per_window": 10**6, "batch_per_window": 10**6}  # nothing to keep to
        with httpx.Client(base_url=base, timeout=120) as control:
            ws = workspace_with_orders("singles", SINGLES + 1, 5)
            realm = new_company(control, "Singles")
            conn = active(control, ws, realm)
            orders = list(SalesOrder.objects.filter(workspace=ws).order_by("pk"))
            push_all(conn, orders[:20])  # links customers and items
            linked = [o for o in orders[20:] if fully_linked(conn, o)]
            before = realm_requests(control, realm)
            for order in linked:
                push_all(conn, [order])
            results["per_invoice"] = (realm_requests(control, realm) - before) / len(linked)
            results["per_invoice_orders"] = len(linked)

            ws = workspace_with_orders("bulk", BULK, CUSTOMERS)
            realm = new_company(control, "Bulk")
            conn = active(control, ws, realm)
            before = realm_requests(control, realm)
            wall, cpu = push_all(conn, list(SalesOrder.objects.filter(workspace=ws).order_by("pk")))
            results["bulk_requests"] = realm_requests(control, realm) - before
            results["bulk_wall"], results["bulk_cpu"] = wall, cpu
    finally:
        process.terminate()
        process.wait(timeout=10)

    # 3: the same bulk push with the limits on, compressed to a WINDOW-second window.
    process, base = start_emulator()
    try:
        point_settings_at(base)
        settings.QBO_RATE_LIMITS = {
            "per_window": PER_WINDOW,
            "batch_per_window": BATCH_PER_WINDOW,
            "concurrent": CONCURRENT,
            "window_seconds": WINDOW,
        }
        with httpx.Client(base_url=base, timeout=120) as control:
            control.post(
                "/_emulator/settings",
                json={
                    "limits_enabled": True,
                    "limit_window_seconds": WINDOW,
                    "requests_per_window": PER_WINDOW,
                    "batch_per_window": BATCH_PER_WINDOW,
                    "concurrent_per_app": CONCURRENT,
                },
            )
            ws = workspace_with_orders("limited", BULK, CUSTOMERS)
            realm = new_company(control, "Limited")
            conn = active(control, ws, realm)
            before = realm_requests(control, realm)
            count_requests()
            wall, _ = push_all(conn, list(SalesOrder.objects.filter(workspace=ws).order_by("pk")), workers=3)
            requests = realm_requests(control, realm) - before
            least, units, batches = least_time()
            stats = control.get("/_emulator/stats").json().get(realm, {})
            results["limited"] = {
                "wall": wall,
                "requests": requests,
                "batches": batches,
                "units": units,
                "least": least,
                "violations": sum(stats.get("limit_violations", {}).values()),
                "peak_concurrency": stats.get("peak_concurrency", 0),
            }
    finally:
        process.terminate()
        process.wait(timeout=10)

    limited = results["limited"]
    ratio = limited["wall"] / limited["least"] if limited["least"] else float("inf")
    per_doc = results["bulk_requests"] / BULK
    cpu_ms = results["bulk_cpu"] * 1000 / BULK
    rows = [
        (
            "requests per invoice, linked",
            f"{results['per_invoice']:.2f}",
            "1.00 (floor 1.00)",
            results["per_invoice"] <= 1.0,
        ),
        (f"bulk {BULK:,} orders / {CUSTOMERS} customers: requests", str(results["bulk_requests"]), "", True),
        ("bulk requests per document", f"{per_doc:.3f}", "<= 0.05 (floor 0.034)", per_doc <= 0.05),
        ("bulk wall time, no limits anywhere", f"{results['bulk_wall']:.1f} s", "", True),
        ("limited: wall time", f"{limited['wall']:.1f} s", "", True),
        ("limited: least the limits allow", f"{limited['least']:.1f} s", f"window {WINDOW:.0f} s", True),
        ("limited: wall / least", f"{ratio:.3f}", "<= 1.05", ratio <= 1.05),
        ("limited: limit violations", str(limited["violations"]), "0", limited["violations"] == 0),
        ("worker CPU per document", f"{cpu_ms:.2f} ms", "<= 5 ms", cpu_ms <= 5),
    ]
    ok = report("push", rows, results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
