"""`make soak`: the whole system under fire, bounded, reporting figures a user can trust.

Runs against PostgreSQL (DATABASE_URL; `make soak` starts a throw-away cluster): the app (`tanto serve`),
the QuickBooks emulator and several `tanto worker` processes, as separate processes on loopback. Two
workspaces are connected through the real OAuth flow, one to a US company and one to a UK company. It
creates orders (sales and purchase, random rows, discounts, tax rates, some in a foreign currency, half of
the sales orders delivered, inventory mode so deliveries book cost of goods), pushes them singly and in
bulk through the app's own endpoints while the emulator injects faults (HTTP 500/503, 429, answers dropped
after the change was saved, stalls past the client timeout) with access tokens that expire every few
seconds, and SIGKILLs a worker at intervals. Then, with faults off, it waits for the queue to drain and
checks every company against the emulator's own data.

    uv run python bench/soak.py [--docs N] [--workers N] [--minutes M] [--kill-every S] [--short]
(SOAK_DOCS and SOAK_MINUTES set the defaults.) Exit status 1 on any duplicate, loss or violation.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from common import report  # noqa: E402
from qbo_harness import free_port  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "tanto-soak", "tanto-soak-secret"
US_REALM, UK_REALM = "9341452000000003", "9341452000000002"  # Solo Sandbox US, Sandbox Company UK
FAULTS = [
    {"kind": "http_500", "probability": 0.025},
    {"kind": "http_503", "probability": 0.025},
    {"kind": "throttle", "probability": 0.05},
    {"method": "POST", "path": "/v3/", "kind": "drop_after_commit", "probability": 0.02},
    {"kind": "stall", "probability": 0.01, "ms": 4000},
]
FAULT_SHARE = 0.25  # of the time budget


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=int(os.environ.get("SOAK_DOCS", "5000")))
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--minutes",
        type=float,
        default=float(os.environ.get("SOAK_MINUTES", "20")),
        help="upper bound on the whole run",
    )
    parser.add_argument("--kill-every", type=float, default=60.0, help="seconds between worker kills")
    parser.add_argument("--short", action="store_true", help="the CI version: its own name in the results")
    return parser.parse_args()


class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.deadline = time.monotonic() + args.minutes * 60
        self.processes: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.kills = 0
        self.data = Path(tempfile.mkdtemp(prefix="tanto-soak-"))
        self.app_port, self.emu_port = free_port(), free_port()
        self.app = f"http://127.0.0.1:{self.app_port}"
        self.emu = f"http://127.0.0.1:{self.emu_port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("QBO_", "DJANGO_SETTINGS"))},
            "TANTO_DATA_DIR": str(self.data),
            "TANTO_SECRET_KEYS": secrets.token_urlsafe(32),
            "TANTO_DEMO": "1",
            "TANTO_SECURE_COOKIES": "0",
            "TANTO_LOG_LEVEL": "WARNING",
            "QBO_ENVIRONMENT": f"{self.emu}/.well-known/openid_sandbox_configuration",
            "QBO_API_BASE_URL": self.emu,
            "QBO_CLIENT_ID": CLIENT_ID,
            "QBO_CLIENT_SECRET": CLIENT_SECRET,
            "QBO_REDIRECT_URI": f"{self.app}/integrations/quickbooks/callback",
            "TANTO_QBO_TIMEOUT_SECONDS": "3",
            "TANTO_SYNC_LEASE_SECONDS": "60",
            "TANTO_SYNC_MAX_BACKOFF_SECONDS": "8",
            "TANTO_QBO_THROTTLE_PAUSE_MAX_SECONDS": "5",
            "PYTHONPATH": str(ROOT),
        }

    # -- processes ------------------------------------------------------------------------------------

    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen([sys.executable, *args], env=self.env, cwd=ROOT)
        self.processes.append(process)
        return process

    def wait_for(self, check: Any, what: str, timeout: float = 60) -> Any:
        deadline = min(time.monotonic() + timeout, self.deadline)
        while time.monotonic() < deadline:
            try:
                result = check()
            except httpx.HTTPError:
                result = None
            if result:
                return result
            time.sleep(0.2)  # polling interval
        raise TimeoutError(f"timed out waiting for {what}")

    def start_services(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "tanto.cli", "manage", "migrate", "-v", "0"], env=self.env, check=True
        )
        self.spawn("-m", "qbo_emulator", "--port", str(self.emu_port), "--log-level", "warning")
        self.wait_for(
            lambda: httpx.get(f"{self.emu}/.well-known/openid_sandbox_configuration").is_success, "emulator"
        )
        self.control = httpx.Client(base_url=f"{self.emu}/_emulator", timeout=30)
        self.control.post(
            "/apps",
            json={
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [self.env["QBO_REDIRECT_URI"]],
            },
        ).raise_for_status()
        for realm in (US_REALM, UK_REALM):
            self.control.post("/settings", json={"realm_id": realm, "multi_currency": True})
        # Access tokens live 90 s (Intuit: an hour), so they are refreshed over and over during the run.
        self.control.post("/settings", json={"access_token_ttl": 90})
        self.spawn("-m", "tanto.cli", "serve", "--port", str(self.app_port))
        self.wait_for(lambda: httpx.get(f"{self.app}/accounts/login/").is_success, "app")

    def start_worker(self) -> None:
        self.workers.append(self.spawn("-m", "tanto.cli", "worker", "--sweep-every", "3", "-v", "0"))

    def kill_a_worker(self) -> None:
        victim = random.choice([w for w in self.workers if w.poll() is None])
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        self.workers.remove(victim)
        self.kills += 1
        self.start_worker()

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    # -- the app, as a user drives it ------------------------------------------------------------------

    def browser(self, email: str, password: str) -> httpx.Client:
        client = httpx.Client(base_url=self.app, timeout=60, follow_redirects=False)
        client.post(
            "/accounts/login/",
            data={
                "username": email,
                "password": password,
                "csrfmiddlewaretoken": self.csrf(client, "/accounts/login/"),
            },
        )
        return client

    @staticmethod
    def csrf(client: httpx.Client, path: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(path).text)
        if not found:
            raise RuntimeError(f"no CSRF token on {path}")
        return found.group(1)

    def connect(self, client: httpx.Client, workspace: Any, intuit_email: str, company: str | None) -> None:
        from qbo_emulator.testing import sign_in_and_consent

        tab = f"/w/{workspace.pk}/settings/"
        start = client.post(
            f"/w/{workspace.pk}/integrations/quickbooks/connect/",
            data={"csrfmiddlewaretoken": self.csrf(client, tab)},
            headers={"Referer": self.app},
        )
        callback = sign_in_and_consent(start.headers["location"], intuit_email, company=company)
        landed = client.get(callback.replace(self.app, ""))
        if landed.status_code != 302 or "setup" not in landed.headers.get("location", ""):
            raise RuntimeError(f"connecting failed: {landed.status_code} {landed.headers.get('location')}")

    def push_singly(self, client: httpx.Client, workspace: Any, kind: str, ids: list[int]) -> None:
        token = self.csrf(client, f"/w/{workspace.pk}/sell/")
        for pk in ids:
            url = f"/w/{workspace.pk}/integrations/quickbooks/push/{kind}/{pk}/"
            answer = client.post(url, data={"csrfmiddlewaretoken": token}, headers={"Referer": self.app})
            if answer.status_code >= 400:
                raise RuntimeError(f"Create {kind} answered {answer.status_code}")

    def push_in_bulk(self, client: httpx.Client, workspace: Any, kind: str, ids: list[int]) -> None:
        token = self.csrf(client, f"/w/{workspace.pk}/sell/")
        for start in range(0, len(ids), 500):
            data = {"csrfmiddlewaretoken": token, "selected": [str(pk) for pk in ids[start : start + 500]]}
            answer = client.post(
                f"/w/{workspace.pk}/integrations/quickbooks/push/{kind}/",
                data=data,
                headers={"Referer": self.app},
            )
            if answer.status_code != 302:
                raise RuntimeError(f"Create {kind}s answered {answer.status_code}")


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tanto.settings"
    import django

    django.setup()


def make_workspaces() -> dict[str, Any]:
    from tanto.accounts.models import User
    from tanto.core.seeding import create_workspace

    made = {}
    for country, currency, name in (("US", "USD", "Soak US"), ("GB", "GBP", "Soak UK")):
        user = User.objects.create_user(f"{country.lower()}@soak.example", "soak-password")
        made[country] = create_workspace(
            name, country, currency, user, seed=len(name), customers=40, suppliers=10
        )
    return made


def finish_setup(workspace: Any) -> Any:
    """The wizard's outcome (its screens have their own tests): inventory mode, accounts, tax codes."""
    from django.utils import timezone

    from tanto.catalog.models import TaxRate
    from tanto.integrations.quickbooks.models import QuickBooksConnection, TaxMapping

    conn = QuickBooksConnection.objects.get(workspace=workspace, status="connected")
    conn.mode, conn.sales_sync_enabled, conn.purchase_sync_enabled = "inventory", True, True
    conn.sales_account_id, conn.cogs_account_id, conn.inventory_account_id = "79", "80", "81"
    conn.setup_completed_at = timezone.now()
    conn.save()
    if not conn.is_us:
        codes = {Decimal(20): "2", Decimal(5): "3"}
        for rate in TaxRate.objects.filter(workspace=workspace):
            code = codes.get(rate.rate.normalize(), "4")
            TaxMapping.objects.update_or_create(
                connection=conn, tax_rate=rate, defaults={"tax_code_id": code, "tax_code_name": code}
            )
    return conn


def make_orders(
    workspace: Any, sales: int, purchases: int, rng: random.Random
) -> tuple[list[int], list[int]]:
    """Random orders; every purchase order received (so goods have a cost) and half the sales delivered."""
    from tanto.core.seeding import bulk_orders
    from tanto.purchasing.models import PurchaseOrder
    from tanto.purchasing.receiving import receive_everything
    from tanto.sales.fulfilment import deliver_everything
    from tanto.sales.models import SalesOrder

    bulk_orders(workspace, max(sales, purchases * 2), rows_per_order=3, seed=rng.randint(1, 10**6))
    sales_orders = list(SalesOrder.objects.filter(workspace=workspace).order_by("pk")[:sales])
    po_ids = list(
        PurchaseOrder.objects.filter(workspace=workspace).order_by("pk").values_list("pk", flat=True)
    )
    foreign = "EUR" if workspace.base_currency != "EUR" else "USD"
    for order in rng.sample(sales_orders, len(sales_orders) // 10):  # some orders in a foreign currency
        SalesOrder.objects.filter(pk=order.pk).update(currency=foreign, conversion_rate=Decimal("1.1"))
    for po in PurchaseOrder.objects.filter(pk__in=po_ids[:purchases]):
        receive_everything(po, po.created_date)
    for order in rng.sample(sales_orders, len(sales_orders) // 2):
        deliver_everything(order, order.created_date)
    return [o.pk for o in sales_orders], po_ids[:purchases]


def drained() -> bool:
    from tanto.integrations.outbox import State, SyncRecord

    return not SyncRecord.objects.filter(state__in=[State.QUEUED, State.SENDING]).exists()


def check(soak: Soak, conns: dict[str, Any], requested: dict[str, dict[str, list[int]]]) -> dict[str, Any]:
    """Every company against the emulator's own data."""
    from django.db.models import Count

    from tanto.integrations.outbox import Kind, State, SyncAttempt, SyncRecord
    from tanto.purchasing.models import PurchaseOrder
    from tanto.sales.models import Fulfilment, SalesOrder

    result: dict[str, Any] = {"companies": {}}
    for country, conn in conns.items():
        realm = conn.realm_id
        records = SyncRecord.objects.filter(connection_id=conn.pk)
        company: dict[str, Any] = {"duplicates": 0, "lost": 0, "wrong_totals": 0, "unbalanced_journals": 0}
        for kind, entity in ((Kind.INVOICE, "Invoice"), (Kind.BILL, "Bill"), (Kind.COGS, "JournalEntry")):
            documents = soak.control.get(f"/realms/{realm}/entities/{entity}").json()
            markers = Counter(
                re.findall(r"tanto:([0-9a-f-]{36})", d.get("PrivateNote", ""))[0]
                for d in documents
                if "tanto:" in d.get("PrivateNote", "")
            )
            company["duplicates"] += sum(n - 1 for n in markers.values() if n > 1)
            by_id = {d["Id"]: d for d in documents}
            for record in records.filter(kind=kind, state=State.SYNCED):
                document = by_id.get(record.remote_id)
                if document is None:
                    company["lost"] += 1
                    continue
                if kind == Kind.COGS:
                    sides = Counter()
                    for line in document["Line"]:
                        sides[line["JournalEntryLineDetail"]["PostingType"]] += Decimal(str(line["Amount"]))
                    company["unbalanced_journals"] += sides["Debit"] != sides["Credit"]
                    continue
                order = (
                    SalesOrder.objects.get(pk=record.sales_order_id)
                    if kind == Kind.INVOICE
                    else PurchaseOrder.objects.get(pk=record.purchase_order_id)
                )
                company["wrong_totals"] += Decimal(str(document["TotalAmt"])) != order.total
            company[f"{entity} documents"] = len(documents)
        for kind, ids in requested[country].items():
            # Lost: asked for and no record of it, or failed without a reason the user can read.
            field = "sales_order_id" if kind == Kind.INVOICE else "purchase_order_id"
            existing = records.filter(kind=kind, **{f"{field}__in": ids})
            company["lost"] += len(ids) - existing.count()
            company["lost"] += existing.filter(state=State.FAILED, error_message="").count()
        # Lost too: a delivery of an invoiced order whose cost of goods was never asked for.
        invoiced = records.filter(kind=Kind.INVOICE, state=State.SYNCED).values_list("sales_order_id")
        booked = set(records.filter(kind=Kind.COGS).values_list("fulfilment_id", flat=True))
        deliveries = Fulfilment.objects.filter(order_id__in=invoiced).prefetch_related("rows")
        company["cogs_never_asked_for"] = sum(
            1 for f in deliveries if f.delivered_cost > 0 and f.pk not in booked
        )
        company["lost"] += company["cogs_never_asked_for"]
        company["failed"] = records.filter(state=State.FAILED).count()
        company["failures"] = list(
            records.filter(state=State.FAILED).values_list("error_message", flat=True)[:5]
        )
        stats = soak.control.get("/stats").json().get(realm, {})
        company["limit_violations"] = sum(stats.get("limit_violations", {}).values())
        company["invalid_grants"] = stats.get("invalid_grants", 0)
        company["stale_token_uses"] = stats.get("stale_token_uses", 0)
        company["token_refreshes"] = stats.get("token_refreshes", 0)
        company["injected_faults"] = stats.get("injected_faults", {})
        result["companies"][country] = company
    attempts = SyncAttempt.objects.values_list("outcome").annotate(n=Count("pk"))
    result["attempts"] = {outcome: n for outcome, n in attempts}
    synced = list(SyncRecord.objects.filter(state=State.SYNCED).values_list("created_at", "synced_at"))
    latencies = sorted((done - made).total_seconds() for made, done in synced if done)
    result["documents"] = len(synced)
    result["p50"] = statistics.median(latencies) if latencies else 0.0
    result["p95"] = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0
    return result


def run(soak: Soak) -> dict[str, Any]:
    rng = random.Random(20261201)
    soak.start_services()
    django_setup(soak.env)
    workspaces = make_workspaces()
    for country, company in (("US", None), ("GB", "Sandbox Company UK")):
        browser = soak.browser(f"{country.lower()}@soak.example", "soak-password")
        soak.connect(
            browser,
            workspaces[country],
            "solo@example.com" if country == "US" else "owner@example.com",
            company,
        )
    conns = {country: finish_setup(ws) for country, ws in workspaces.items()}
    per_company = soak.args.docs // 2
    requested: dict[str, dict[str, list[int]]] = {}
    for country, workspace in workspaces.items():
        sales, purchases = make_orders(workspace, per_company * 3 // 5, per_company * 2 // 5, rng)
        requested[country] = {"invoice": sales, "bill": purchases}

    soak.control.post("/faults", json=FAULTS)
    for _ in range(soak.args.workers):
        soak.start_worker()
    started = time.monotonic()
    next_kill = started + soak.args.kill_every
    browsers = {c: soak.browser(f"{c.lower()}@soak.example", "soak-password") for c in workspaces}
    # The companies take turns, kind by kind: the queue is first in, first out, so pushing one company's
    # orders all before the other's would leave the second to run after the faults are over.
    for kind in ("invoice", "bill"):
        for country, workspace in workspaces.items():
            ids = requested[country][kind]
            singles = ids[: len(ids) // 4]
            soak.push_singly(browsers[country], workspace, kind, singles)
            soak.push_in_bulk(browsers[country], workspace, kind, ids[len(singles) :])
            if time.monotonic() >= next_kill:
                soak.kill_a_worker()
                next_kill = time.monotonic() + soak.args.kill_every
    # Keep the faults on for a quarter of the time budget as the workers chew through the queue (QuickBooks'
    # limits, not the faults, set the pace of the rest), killing workers on schedule.
    fault_until = started + max(soak.args.kill_every * 1.2, 20, FAULT_SHARE * (soak.deadline - started))
    while time.monotonic() < min(fault_until, soak.deadline - 60) and not drained():
        if time.monotonic() >= next_kill:
            soak.kill_a_worker()
            next_kill = time.monotonic() + soak.args.kill_every
        time.sleep(0.5)  # polling interval
    if soak.kills == 0:
        soak.kill_a_worker()
    soak.control.delete("/faults")
    fault_seconds = time.monotonic() - started
    # Drain, still killing a worker on schedule: recovery must not depend on the faults being over.
    unsettled = 0
    while not drained():
        if time.monotonic() >= soak.deadline:
            from tanto.integrations.outbox import State, SyncRecord

            # Out of time: report what happened anyway; whatever is still queued counts against the run.
            unsettled = SyncRecord.objects.filter(state__in=[State.QUEUED, State.SENDING]).count()
            break
        if time.monotonic() >= next_kill:
            soak.kill_a_worker()
            next_kill = time.monotonic() + soak.args.kill_every
        time.sleep(0.5)  # polling interval
    elapsed = time.monotonic() - started
    result = check(soak, conns, requested)
    result["unsettled"] = unsettled
    result.update(
        {
            "seconds": elapsed,
            "kills": soak.kills,
            "fault_seconds": fault_seconds,
            "workers": soak.args.workers,
            "throughput": result["documents"] / elapsed if elapsed else 0,
        }
    )
    return result


def main() -> int:
    args = options()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("soak: needs DATABASE_URL pointing at PostgreSQL (make soak starts one)", file=sys.stderr)
        return 2
    soak = Soak(args)
    try:
        result = run(soak)
    finally:
        soak.stop()
    companies = result["companies"]
    total = lambda key: sum(c[key] for c in companies.values())  # noqa: E731
    attempts = result["attempts"]
    injected = sum(sum(c["injected_faults"].values()) for c in companies.values())
    rows = [
        ("documents synced", str(result["documents"]), "", True),
        ("attempts", str(sum(attempts.values())), "", True),
        ("faults injected", str(injected), "", True),
        ("faults on for", f"{result['fault_seconds']:.0f} s", "", True),
        ("retries: temporary failures", str(attempts.get("transient", 0)), "", True),
        ("retries: no answer (looked up)", str(attempts.get("uncertain", 0)), "", True),
        ("found already created", str(attempts.get("found", 0)), "", True),
        ("failed with a reason", str(total("failed")), "", True),
        ("duplicates", str(total("duplicates")), "0", total("duplicates") == 0),
        ("lost", str(total("lost")), "0", total("lost") == 0),
        ("still queued at the deadline", str(result["unsettled"]), "0", result["unsettled"] == 0),
        ("totals off by a cent or more", str(total("wrong_totals")), "0", total("wrong_totals") == 0),
        ("unbalanced journals", str(total("unbalanced_journals")), "0", total("unbalanced_journals") == 0),
        ("limit violations", str(total("limit_violations")), "0", total("limit_violations") == 0),
        ("invalid_grant", str(total("invalid_grants")), "0", total("invalid_grants") == 0),
        ("stale refresh token uses", str(total("stale_token_uses")), "0", total("stale_token_uses") == 0),
        ("token refreshes", str(total("token_refreshes")), "", True),
        ("worker kills survived", str(result["kills"]), ">= 1", result["kills"] >= 1),
        ("click to synced p50", f"{result['p50']:.1f} s", "", True),
        ("click to synced p95", f"{result['p95']:.1f} s", "", True),
        ("throughput", f"{result['throughput']:.1f} docs/s", "", True),
        ("wall time", f"{result['seconds']:.0f} s", "", True),
    ]
    ok = report("soak-short" if args.short else "soak", rows, {"args": vars(args), **result})
    if not ok:
        print(json.dumps(companies, indent=2, default=str), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
