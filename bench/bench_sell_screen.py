"""Sell and Buy screens at 100 and at 10,000 orders (3 rows each): SQL queries per page and render time.

Targets (issue: Tanto core): a page of 50 rows uses a constant number of queries, at most 12; the
server-side render time at 10,000 orders is at most 1.5x that at 100; seed_orders --orders 10000 < 60 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report, use_fresh_data_dir  # noqa: E402

use_fresh_data_dir()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

REPEATS = 15


def measure(client: Client, url: str) -> tuple[int, float]:
    client.get(url)  # warm caches, templates and the connection
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    # Count now: Django empties the query log when the next request starts.
    queries = len(captured)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return queries, statistics.median(times)


def main() -> int:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from tanto.accounts.models import User
    from tanto.core.seeding import bulk_orders, create_workspace

    user = User.objects.create_user("bench@example.com", "bench")
    workspace = create_workspace("Bench", "GB", "GBP", user, seed=5, customers=100, suppliers=20)
    client = Client()
    client.force_login(user)
    urls = {
        "Sell": reverse("sales:list", kwargs={"ws": workspace.pk}),
        "Buy": reverse("purchasing:list", kwargs={"ws": workspace.pk}),
    }
    bulk_orders(workspace, 100)  # 100 sales orders and 50 purchase orders
    small = {name: measure(client, url) for name, url in urls.items()}
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("seed_orders", orders=9900, workspace=workspace.pk, stdout=quiet)
    seed_seconds = (time.perf_counter() - started) * 10000 / 9900  # scaled to 10,000 orders
    large = {name: measure(client, url) for name, url in urls.items()}

    rows = [("seed 10,000 orders (s)", f"{seed_seconds:.1f}", "< 60", seed_seconds < 60)]
    extra = {}
    for name in urls:
        (q_small, t_small), (q_large, t_large) = small[name], large[name]
        ratio = t_large / t_small
        rows += [
            (f"{name}: queries per page at 100", str(q_small), "<= 12", q_small <= 12),
            (f"{name}: queries per page at 10,000", str(q_large), f"== {q_small}", q_large == q_small),
            (f"{name}: render at 100 (ms)", f"{t_small * 1000:.1f}", "", True),
            (f"{name}: render at 10,000 (ms)", f"{t_large * 1000:.1f}", "", True),
            (f"{name}: ratio 10,000 / 100", f"{ratio:.2f}", "<= 1.50", ratio <= 1.5),
        ]
        extra[name] = {
            "queries": [q_small, q_large],
            "render_ms": [t_small * 1000, t_large * 1000],
            "ratio": ratio,
        }
    extra["database"] = connection.vendor
    return 0 if report("sell_screen", rows, extra) else 1


if __name__ == "__main__":
    sys.exit(main())
