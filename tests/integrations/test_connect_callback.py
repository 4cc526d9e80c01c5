"""Connect → Intuit → callback: every refusal stores nothing; success stores the company and tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection as db
from django.test import Client

from tanto.integrations.quickbooks.models import QuickBooksConnection, Status
from tests.integrations.conftest import callback_path, intuit_authorize, query_of
from tests.screens import buttons

pytestmark = pytest.mark.emulator


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_success_stores_company_tokens_and_who(
    qbo: Any, connect: Any, workspace: Any, admin_user: Any
) -> None:
    response = connect("owner@example.com", company="Sandbox Company UK")
    assert response.status_code == 302
    assert response["Location"] == f"/w/{workspace.pk}/integrations/quickbooks/setup/mode/"
    conn = QuickBooksConnection.objects.get(workspace=workspace)
    assert conn.realm_id == qbo.realm_uk
    assert conn.status == Status.CONNECTED
    assert (conn.company_name, conn.country, conn.home_currency) == ("Sandbox Company UK", "GB", "GBP")
    assert conn.multi_currency_enabled is False and conn.custom_txn_numbers is False
    assert conn.connected_by == admin_user and conn.connected_by_intuit_email == "owner@example.com"
    assert (
        conn.access_token_expires_at and conn.refresh_token_expires_at and conn.refresh_token_hard_expires_at
    )
    assert conn.refresh_token_hard_expires_at > conn.refresh_token_expires_at


def test_callback_answers_302_to_a_clean_url_with_no_body(qbo: Any, connect: Any) -> None:
    response = connect()
    assert response.status_code == 302
    assert "?" not in response["Location"]
    assert response.content == b""


def test_tokens_are_encrypted_at_rest_and_never_rendered(
    qbo: Any, connect: Any, admin_client: Client, workspace: Any
) -> None:
    connect()
    conn = QuickBooksConnection.objects.get(workspace=workspace)
    access, refresh = conn.access_token.reveal(), conn.refresh_token.reveal()
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM quickbooks_quickbooksconnection")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert access not in raw and refresh not in raw
    assert "gAAAAA" in raw  # Fernet ciphertext
    for url in (f"/w/{workspace.pk}/integrations/", f"/w/{workspace.pk}/integrations/quickbooks/setup/mode/"):
        html = admin_client.get(url).content.decode()
        assert access not in html and refresh not in html and "tanto-tests-secret" not in html
    assert (
        access not in repr(conn)
        and access not in str(conn.access_token)
        and access not in repr(conn.access_token)
    )


def test_member_cannot_start_connect(qbo: Any, make_user: Any, workspace: Any, client: Client) -> None:
    from tanto.accounts.models import Membership

    member = make_user("member@example.com")
    Membership.objects.create(user=member, workspace=workspace, role="member")
    client.force_login(member)
    assert client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/").status_code == 403
    tab = client.get(f"/w/{workspace.pk}/integrations/").content.decode()
    assert "Connect to QuickBooks" not in buttons(tab) and "Only workspace admins can connect" in tab


def test_cancel_at_consent(qbo: Any, connect: Any, workspace: Any) -> None:
    response = connect(action="cancel")
    assert response["Location"] == f"/w/{workspace.pk}/integrations/"
    assert "QuickBooks connection was cancelled" in _messages(response)
    assert not QuickBooksConnection.objects.exists()


def test_tampered_state_is_refused(qbo: Any, admin_client: Client, workspace: Any) -> None:
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    callback = intuit_authorize(start["Location"], "solo@example.com")
    tampered = callback.replace(f"state={query_of(callback)['state']}", "state=forged")
    response = admin_client.get(callback_path(tampered))
    assert response.status_code == 302 and response["Location"] == "/"
    assert any("invalid, already used or expired" in m for m in _messages(response))
    assert not QuickBooksConnection.objects.exists()


def test_missing_state_is_refused(qbo: Any, admin_client: Client, workspace: Any) -> None:
    response = admin_client.get("/integrations/quickbooks/callback?code=abc&realmId=1")
    assert response.status_code == 302 and not QuickBooksConnection.objects.exists()


def test_replayed_callback_is_refused(qbo: Any, admin_client: Client, workspace: Any) -> None:
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    callback = callback_path(intuit_authorize(start["Location"], "solo@example.com"))
    assert admin_client.get(callback)["Location"].endswith("/setup/mode/")
    QuickBooksConnection.objects.all().delete()
    replay = admin_client.get(callback)
    assert replay["Location"] == "/"
    assert not QuickBooksConnection.objects.exists()


def test_expired_state_is_refused(qbo: Any, admin_client: Client, workspace: Any, monkeypatch: Any) -> None:
    from tanto.integrations.quickbooks import connection

    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    callback = callback_path(intuit_authorize(start["Location"], "solo@example.com"))
    real_time = connection.time.time
    monkeypatch.setattr(connection.time, "time", lambda: real_time() + connection.STATE_TTL_SECONDS + 1)
    assert admin_client.get(callback)["Location"] == "/"
    assert not QuickBooksConnection.objects.exists()


def test_state_from_another_session_is_refused(
    qbo: Any, admin_client: Client, admin_user: Any, workspace: Any
) -> None:
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    callback = callback_path(intuit_authorize(start["Location"], "solo@example.com"))
    other = Client()
    other.force_login(admin_user)
    assert other.get(callback)["Location"] == "/"
    assert not QuickBooksConnection.objects.exists()


def test_missing_realm_id_is_refused(qbo: Any, admin_client: Client, workspace: Any) -> None:
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    callback = intuit_authorize(start["Location"], "solo@example.com")
    without_realm = "&".join(p for p in callback_path(callback).split("&") if not p.startswith("realmId="))
    response = admin_client.get(without_realm)
    assert response["Location"] == f"/w/{workspace.pk}/integrations/"
    assert any("which QuickBooks company" in m for m in _messages(response))
    assert not QuickBooksConnection.objects.exists()


def test_failed_code_exchange_is_refused(qbo: Any, admin_client: Client, workspace: Any) -> None:
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    state = query_of(start["Location"])["state"]
    response = admin_client.get(f"/integrations/quickbooks/callback?code=not-a-code&state={state}&realmId=1")
    assert response["Location"] == f"/w/{workspace.pk}/integrations/"
    assert any("did not complete the connection" in m for m in _messages(response))
    assert not QuickBooksConnection.objects.exists()


def test_realm_connected_to_another_workspace_is_refused(
    qbo: Any, connect: Any, make_user: Any, make_workspace: Any
) -> None:
    connect("solo@example.com")
    other_admin = make_user("other@example.com")
    other_ws = make_workspace(other_admin, name="Other Workshop", country="US", currency="USD")
    other = Client()
    other.force_login(other_admin)
    response = connect("solo@example.com", client=other, ws=other_ws)
    assert response["Location"] == f"/w/{other_ws.pk}/integrations/"
    assert any("already connected to another Tanto workspace" in m for m in _messages(response))
    assert not QuickBooksConnection.objects.filter(workspace=other_ws).exists()


def test_connect_is_refused_while_connected(
    qbo: Any, connect: Any, admin_client: Client, workspace: Any
) -> None:
    connect()
    response = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    assert response["Location"] == f"/w/{workspace.pk}/integrations/"
    assert QuickBooksConnection.objects.count() == 1
