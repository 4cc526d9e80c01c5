"""Runs beside `tanto worker` processes in tests: sets up a connected workspace with orders in the database
those workers use, queues pushes, and reports the outbox. Run as `python -m tests.integrations.worker_harness`
with DATABASE_URL or TANTO_DATA_DIR pointing at that database.

    setup EMULATOR_BASE REALM N     -> prints the connection id
    push KIND [IDS...]              -> queues pushes (all orders of the kind when no ids are given)
    status                          -> prints {"states": {...}, "records": N}
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from typing import Any

import httpx


def setup(base: str, realm: str, orders: int) -> None:
    from django.conf import settings  # noqa: F401  (Django is set up by main)

    from tanto.accounts.models import User
    from tanto.core.seeding import bulk_orders, create_workspace
    from tanto.integrations.quickbooks.models import QuickBooksConnection
    from tanto.integrations.quickbooks.oauth import TokenSet

    admin = User.objects.create_user("crash@example.com", "pw")
    workspace = create_workspace("Crash test", "US", "USD", admin, customers=5, suppliers=2)
    bulk_orders(workspace, orders)
    issued = httpx.post(
        f"{base}/_emulator/tokens", json={"client_id": "tanto-demo", "realm_id": realm}
    ).json()
    conn = QuickBooksConnection(
        workspace=workspace,
        realm_id=realm,
        company_name="Crash",
        country="US",
        home_currency="USD",
        mode="simple",
        sales_sync_enabled=True,
        purchase_sync_enabled=True,
        sales_account_id="79",
        purchase_account_id="60",
        setup_completed_at=datetime.datetime.now(datetime.UTC),
    )
    for field, value in conn.token_fields(TokenSet.from_response(issued)).items():
        setattr(conn, field, value)
    conn.save()
    print(conn.pk)


def queue(kind: str, ids: list[int]) -> None:
    from django.db import transaction

    from tanto.integrations.quickbooks import push
    from tanto.integrations.quickbooks.models import QuickBooksConnection
    from tanto.purchasing.models import PurchaseOrder
    from tanto.sales.models import SalesOrder

    conn = QuickBooksConnection.objects.get()
    model: Any = SalesOrder if kind == "invoice" else PurchaseOrder
    orders = model.objects.filter(pk__in=ids) if ids else model.objects.all()
    with transaction.atomic():
        records = push.request_documents(conn, kind, list(orders.order_by("pk")))
    print(json.dumps([r.pk for r in records]))


def status() -> None:
    from django.db.models import Count

    from tanto.integrations.outbox import SyncRecord

    states = dict(SyncRecord.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    print(json.dumps({"states": states, "records": sum(states.values())}))


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tanto.settings")
    import django

    django.setup()
    command, *rest = argv
    if command == "setup":
        setup(rest[0], rest[1], int(rest[2]))
    elif command == "push":
        queue(rest[0], [int(i) for i in rest[1:]])
    elif command == "status":
        status()
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
