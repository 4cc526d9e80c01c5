"""Settings changed in QuickBooks after connecting (Intuit's item 37), against the emulator over HTTP:
Tanto reads them again, so the user's fix in QuickBooks and a Retry are enough."""

from __future__ import annotations

import datetime

import pytest

from tanto.integrations import outbox
from tanto.integrations.outbox import Kind, State
from tanto.integrations.quickbooks import push
from tanto.integrations.quickbooks.models import QuickBooksConnection
from tests.integrations.test_push import active, api_requests, invoices, push_now, sales_order  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def test_multicurrency_turned_on_in_quickbooks_lets_the_retry_through(qbo, active, workspace, admin_client):  # noqa: F811
    qbo.settings(qbo.realm_solo, multi_currency=False)
    conn = active()
    assert conn.multi_currency_enabled is False
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="EUR", rate="1.08")])
    assert record.state == State.FAILED and "Multicurrency" in record.error_message
    assert invoices(qbo, conn.realm_id) == []

    # The user follows the hint: Multicurrency on in QuickBooks, then Retry in Tanto.
    qbo.settings(conn.realm_id, multi_currency=True)
    assert outbox.retry(record)
    push.push([record.pk])
    record.refresh_from_db()
    assert record.state == State.SYNCED, record.error_message
    [invoice] = invoices(qbo, conn.realm_id)
    assert invoice["CurrencyRef"]["value"] == "EUR"

    # The card says what changed in QuickBooks.
    conn.refresh_from_db()
    assert conn.multi_currency_enabled and conn.preferences_changes == "Multicurrency turned on"
    page = admin_client.get(f"/w/{workspace.pk}/integrations/").content.decode()
    assert "Multicurrency turned on" in page


def test_a_fresh_copy_costs_no_request_and_an_old_one_is_read_again(qbo, active, workspace, settings):  # noqa: F811
    conn = active()
    assert push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])[0].state == State.SYNCED
    assert api_requests(qbo, conn.realm_id, "preferences") == 1  # the read at connect time only

    # Custom transaction numbers turned on in QuickBooks; once our copy is older than the limit, the next
    # push reads the settings again and sends the order number as the invoice number.
    qbo.settings(conn.realm_id, custom_txn_numbers=True)
    hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=3601)
    QuickBooksConnection.objects.filter(pk=conn.pk).update(preferences_read_at=hour_ago)
    conn.refresh_from_db()
    order = sales_order(workspace, currency="USD")
    [record] = push_now(conn, Kind.INVOICE, [order])
    assert record.state == State.SYNCED, record.error_message
    assert api_requests(qbo, conn.realm_id, "preferences") == 2
    assert record.remote_number == order.number
    conn.refresh_from_db()
    assert conn.custom_txn_numbers and "Custom transaction numbers turned on" in conn.preferences_changes
