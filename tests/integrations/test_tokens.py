"""Tokens all the time: refresh only when expired and once on a 401, serialised, rotated token saved first;
invalid_grant → Needs reconnect (banner, Reconnect) → reconnect resumes paused work."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from tanto.accounts.models import Membership
from tanto.integrations.quickbooks import tokens
from tanto.integrations.quickbooks.client import QuickBooksClient
from tanto.integrations.quickbooks.errors import NeedsReconnect
from tanto.integrations.quickbooks.models import ImportRun, ImportStatus, QuickBooksConnection, Status
from tests.integrations.conftest import CLIENT_ID, CLIENT_SECRET, callback_path, intuit_authorize, step_url

pytestmark = pytest.mark.emulator


def _refreshes(emu: Any, realm: str) -> int:
    return int(emu.control("GET", "stats").get(realm, {}).get("token_refreshes", 0))


def _expire_locally(conn: QuickBooksConnection) -> None:
    QuickBooksConnection.objects.filter(pk=conn.pk).update(
        access_token_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    conn.refresh_from_db()


def _revoke_at_intuit(emu: Any, conn: QuickBooksConnection) -> None:
    token = conn.refresh_token
    assert token is not None
    response = httpx.post(
        f"{emu.base_url}/v2/oauth2/tokens/revoke",
        json={"token": token.reveal()},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert response.status_code == 200


def test_no_refresh_while_the_access_token_is_valid(qbo: Any, connected: Any) -> None:
    conn = connected()
    with QuickBooksClient(conn) as client:
        client.company_info()
        client.preferences()
    assert _refreshes(qbo, conn.realm_id) == 0
    assert conn.last_successful_call_at is not None


def test_expired_token_is_refreshed_once_and_rotation_saved_before_use(qbo: Any, connected: Any) -> None:
    conn = connected()
    old_refresh, old_version = conn.refresh_token, conn.refresh_token_version
    _expire_locally(conn)
    stored_at_send: list[Any] = []
    with QuickBooksClient(conn) as client:
        real_send = client._send

        def spy(*args: Any) -> httpx.Response:
            stored_at_send.append(QuickBooksConnection.objects.get(pk=conn.pk).refresh_token)
            return real_send(*args)

        client._send = spy  # type: ignore[method-assign]
        client.company_info()
        client.preferences()
    assert _refreshes(qbo, conn.realm_id) == 1
    row = QuickBooksConnection.objects.get(pk=conn.pk)
    assert row.refresh_token != old_refresh and row.refresh_token_version == old_version + 1
    assert stored_at_send[0] == row.refresh_token  # persisted before the new access token was used
    assert row.access_token_valid()


def test_a_401_refreshes_once_and_retries(qbo: Any, connected: Any) -> None:
    conn = connected()
    qbo.control("POST", "clock", {"advance_seconds": 3700})  # Intuit's clock says expired; ours does not
    with QuickBooksClient(conn) as client:
        assert client.company_info()["CompanyName"] == "Solo Sandbox US"
    assert _refreshes(qbo, conn.realm_id) == 1


def test_a_refresh_done_elsewhere_is_reused(qbo: Any, connected: Any) -> None:
    conn = connected()
    _expire_locally(conn)
    stale = QuickBooksConnection.objects.get(pk=conn.pk)  # a second worker read the row before the refresh
    tokens.current_access_token(conn)
    tokens.refresh_tokens(stale, seen_version=stale.refresh_token_version)
    assert _refreshes(qbo, conn.realm_id) == 1
    assert stale.refresh_token == QuickBooksConnection.objects.get(pk=conn.pk).refresh_token


def test_compare_and_swap_keeps_the_first_rotation(qbo: Any, connected: Any) -> None:
    conn = connected()
    loser = QuickBooksConnection.objects.get(pk=conn.pk)
    _expire_locally(conn)
    tokens.refresh_tokens(conn, seen_version=conn.refresh_token_version)
    winner = QuickBooksConnection.objects.get(pk=conn.pk)
    # The loser read version N before the winner wrote N+1; its update must not land.
    assert tokens._rotate(loser) is None
    after = QuickBooksConnection.objects.get(pk=conn.pk)
    assert (
        after.refresh_token == winner.refresh_token
        and after.refresh_token_version == winner.refresh_token_version
    )


def test_invalid_grant_marks_needs_reconnect(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any, make_user: Any
) -> None:
    conn = connected()
    _revoke_at_intuit(qbo, conn)
    _expire_locally(conn)
    with pytest.raises(NeedsReconnect) as caught, QuickBooksClient(conn) as client:
        client.company_info()
    assert conn.refresh_token.reveal() not in str(caught.value)  # type: ignore[union-attr]
    assert QuickBooksConnection.objects.get(pk=conn.pk).status == Status.NEEDS_RECONNECT
    with pytest.raises(NeedsReconnect), QuickBooksClient(conn) as client:  # no retry loop: refused at once
        client.company_info()
    page = admin_client.get(f"/w/{workspace.pk}/contacts/").content.decode()
    assert "Needs reconnect" in page and ">Reconnect</button>" in page
    tab = admin_client.get(f"/w/{workspace.pk}/integrations/").content.decode()
    assert ">Reconnect</button>" in tab and ">Disconnect</button>" not in tab
    member = make_user("member@example.com")
    Membership.objects.create(user=member, workspace=workspace, role="member")
    other = Client()
    other.force_login(member)
    assert "Needs reconnect." not in other.get(f"/w/{workspace.pk}/contacts/").content.decode()


def test_import_pauses_on_invalid_grant_and_resumes_after_reconnect(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conn = connected()
    QuickBooksConnection.objects.filter(pk=conn.pk).update(
        mode="simple", sales_sync_enabled=True, sales_account_id="1"
    )
    _revoke_at_intuit(qbo, conn)
    _expire_locally(conn)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(step_url(workspace, "import"), {"import": "1"})
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.PAUSED
    progress = admin_client.get(
        f"/w/{workspace.pk}/integrations/quickbooks/imports/{run.pk}/"
    ).content.decode()
    assert "needs to be reconnected" in progress and "hx-trigger" not in progress
    QuickBooksConnection.objects.filter(pk=conn.pk).update(setup_completed_at=timezone.now())
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/reconnect/")
    callback = intuit_authorize(start["Location"], "solo@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        landed = admin_client.get(callback_path(callback))
    assert landed["Location"] == f"/w/{workspace.pk}/integrations/"
    assert QuickBooksConnection.objects.get(pk=conn.pk).status == Status.CONNECTED
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.created > 0


def test_reconnect_must_choose_the_same_company(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    conn = connected("owner@example.com", "Sandbox Company UK")
    QuickBooksConnection.objects.filter(pk=conn.pk).update(status=Status.NEEDS_RECONNECT)
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/reconnect/")
    callback = intuit_authorize(start["Location"], "owner@example.com", company="Sandbox Company US")
    response = admin_client.get(callback_path(callback))
    assert any("different QuickBooks company" in str(m) for m in response.wsgi_request._messages)
    assert [(c.realm_id, c.status) for c in QuickBooksConnection.objects.all()] == [
        (qbo.realm_uk, "needs_reconnect")
    ]


def test_repr_and_logs_never_show_tokens(qbo: Any, connected: Any, caplog: Any) -> None:
    caplog.set_level("DEBUG")
    conn = connected()
    _expire_locally(conn)
    with QuickBooksClient(conn) as client:
        client.company_info()
        assert "Bearer" not in repr(client)
    row = QuickBooksConnection.objects.get(pk=conn.pk)
    secrets = [row.access_token.reveal(), row.refresh_token.reveal()]  # type: ignore[union-attr]
    assert all(s not in caplog.text and s not in repr(row) for s in secrets)
