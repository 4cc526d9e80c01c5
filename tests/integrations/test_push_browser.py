"""The Invoice and Bill columns in a real Chromium, against the emulator over HTTP: Create invoice,
Create bill, bulk Create invoices with progress, a failure shown and retried after fixing it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from tanto.integrations.outbox import State, SyncRecord
from tanto.integrations.quickbooks.models import Mode, QuickBooksConnection
from tanto.sales.models import SalesOrder
from tests.conftest import log_in
from tests.integrations.test_push import purchase_order, sales_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_inline(settings: Any) -> None:
    # Pushes run in the request that queues them (the immediate backend): the page still has to poll
    # for the result, as it does with a real worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def activate(conn: QuickBooksConnection) -> QuickBooksConnection:
    conn.mode = Mode.SIMPLE
    conn.sales_sync_enabled = conn.purchase_sync_enabled = True
    conn.sales_account_id, conn.purchase_account_id = "79", "60"
    conn.setup_completed_at = datetime.datetime.now(datetime.UTC)
    conn.save()
    return conn


def test_create_invoice_bill_bulk_and_retry(
    page, live_server, qbo_live, connect, workspace, admin_user, worker_inline
):
    assert connect("solo@example.com").status_code == 302
    conn = activate(QuickBooksConnection.objects.get(workspace=workspace, status="connected"))
    order = sales_order(workspace, currency="USD")
    log_in(page, live_server.url, admin_user.email, "pw-for-tests")

    page.get_by_role("link", name="Sell", exact=True).click()
    expect(page.get_by_role("columnheader", name="Invoice")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=order.number)
    row.get_by_role("button", name="Create invoice").click()
    expect(row.get_by_text("Invoiced")).to_be_visible()
    record = SyncRecord.objects.get(sales_order=order)
    [invoice] = qbo_live.entities("Invoice", conn.realm_id)
    assert invoice["Id"] == record.remote_id and Decimal(str(invoice["TotalAmt"])) == order.total
    link = row.get_by_role("link", name=re.compile(r"Invoice \d+"))
    expect(link).to_have_attribute("href", re.compile(rf"/app/invoice\?txnId={record.remote_id}"))
    viewer = page.context.new_page()
    viewer.goto(link.get_attribute("href"))
    expect(viewer.get_by_text(order.number).first).to_be_visible()
    viewer.close()

    # A bill from the Buy screen.
    po = purchase_order(workspace, currency="USD")
    page.get_by_role("link", name="Buy", exact=True).click()
    po_row = page.get_by_role("row").filter(has_text=po.number)
    po_row.get_by_role("button", name="Create bill").click()
    expect(po_row.get_by_text("Billed")).to_be_visible()
    assert len(qbo_live.entities("Bill", conn.realm_id)) == 1

    # Bulk: twenty orders at once, with progress and a summary.
    bulk = [sales_order(workspace, currency="USD") for _ in range(20)]
    page.get_by_role("link", name="Sell", exact=True).click()
    for one in bulk:
        page.get_by_label(f"Select {one.number}").check()
    page.get_by_role("button", name="Create invoices").click()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.get_by_text("20 of 20")).to_be_visible()
    expect(page.get_by_text("20 invoiced")).to_be_visible()
    assert len(qbo_live.entities("Invoice", conn.realm_id)) == 21

    # A failure, shown in plain words with what to do, retried after fixing it.
    euro = sales_order(workspace, currency="EUR", rate="1.1")
    qbo_live.settings(conn.realm_id, multi_currency=False)
    page.get_by_role("link", name="Sell", exact=True).click()
    euro_row = page.get_by_role("row").filter(has_text=euro.number)
    euro_row.get_by_role("button", name="Create invoice").click()
    expect(euro_row.get_by_text("Failed")).to_be_visible()
    expect(euro_row).to_contain_text("turn on Multicurrency in QuickBooks")
    expect(euro_row.get_by_role("link", name="Help and support")).to_have_attribute("href", "/support/")
    SalesOrder.objects.filter(pk=euro.pk).update(currency="USD", conversion_rate=1)
    euro_row.get_by_role("button", name="Retry").click()
    expect(euro_row.get_by_text("Invoiced")).to_be_visible()
    assert SyncRecord.objects.get(sales_order=euro).state == State.SYNCED

    # Every attempt is in the Sync log.
    page.goto(f"{live_server.url}/w/{workspace.pk}/integrations/quickbooks/sync-log/?order={euro.number}")
    log = page.get_by_role("row").filter(has_text=euro.number).first
    expect(log).to_contain_text("Rejected")
    expect(log).to_contain_text("Success")
