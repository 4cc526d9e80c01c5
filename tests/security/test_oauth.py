"""OAuth refusals (docs/security.md, items 13, 14, 23 and 27), beyond what
tests/integrations/test_connect_callback.py already checks: every bad `state` says why, a callback opened
in another user's session connects nobody, an error from Intuit is shown, and a refused callback never
spends the authorization code at Intuit (the company check happens before the exchange).

"Nothing stored" means: no connection row, no token, and the state is gone from the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tanto.integrations.quickbooks import connection as flow
from tanto.integrations.quickbooks.models import QuickBooksConnection
from tests.integrations.conftest import callback_path, intuit_authorize, query_of

pytestmark = [pytest.mark.emulator, pytest.mark.django_db]

INVALID = "invalid, already used or expired"


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _start(client: Client, workspace: Any) -> str:
    """Connect → Intuit (sign-in and consent): the callback URL Intuit sends the browser to."""
    start = client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    assert start.status_code == 302
    return callback_path(intuit_authorize(start["Location"], "solo@example.com"))


def _code_spent(qbo: Any, callback: str) -> bool:
    record = qbo.emulator.store.auth.codes.get(query_of(callback)["code"])
    return bool(record and record.used)


def _nothing_stored(client: Client) -> None:
    assert not QuickBooksConnection.objects.exists()
    assert client.session.get(flow.SESSION_KEY, {}) == {}


def _wrong(callback: str) -> str:
    return callback.replace(f"state={query_of(callback)['state']}", "state=" + "A" * 43)


def _missing(callback: str) -> str:
    return "&".join(p for p in callback.split("&") if not p.startswith("state=")).replace(
        "callback&", "callback?"
    )


def _empty(callback: str) -> str:
    return callback.replace(f"state={query_of(callback)['state']}", "state=")


@pytest.mark.parametrize("tamper", [_wrong, _missing, _empty], ids=["wrong", "missing", "empty"])
def test_a_bad_state_is_refused_with_a_message_and_the_code_is_never_exchanged(
    qbo: Any, admin_client: Client, workspace: Any, tamper: Callable[[str], str]
) -> None:
    callback = _start(admin_client, workspace)
    response = admin_client.get(tamper(callback))
    assert response.status_code == 302 and response["Location"] == "/"
    assert any(INVALID in m for m in _messages(response))
    assert not QuickBooksConnection.objects.exists()
    assert not _code_spent(qbo, callback)


def test_a_reused_state_is_refused_with_a_message(qbo: Any, admin_client: Client, workspace: Any) -> None:
    callback = _start(admin_client, workspace)
    assert admin_client.get(callback)["Location"].endswith("/setup/mode/")
    conn = QuickBooksConnection.objects.get()
    version = conn.refresh_token_version
    replay = admin_client.get(callback)
    assert replay["Location"] == "/" and any(INVALID in m for m in _messages(replay))
    conn.refresh_from_db()
    assert conn.refresh_token_version == version  # the replay changed no token


def test_a_state_spent_on_a_refusal_cannot_be_used_again(
    qbo: Any, admin_client: Client, workspace: Any
) -> None:
    callback = _start(admin_client, workspace)
    state = query_of(callback)["state"]
    admin_client.get(f"/integrations/quickbooks/callback?error=access_denied&state={state}")
    response = admin_client.get(callback)
    assert response["Location"] == "/" and any(INVALID in m for m in _messages(response))
    _nothing_stored(admin_client)
    assert not _code_spent(qbo, callback)


def test_an_expired_state_is_refused_with_a_message(
    qbo: Any, admin_client: Client, workspace: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    callback = _start(admin_client, workspace)
    later = flow.time.time() + flow.STATE_TTL_SECONDS + 1
    monkeypatch.setattr(flow.time, "time", lambda: later)
    response = admin_client.get(callback)
    assert response["Location"] == "/" and any(INVALID in m for m in _messages(response))
    _nothing_stored(admin_client)
    assert not _code_spent(qbo, callback)


def test_a_callback_opened_in_another_users_session_connects_nobody(
    qbo: Any, admin_client: Client, workspace: Any, make_user: Any, make_workspace: Any
) -> None:
    # The attacker finishes Intuit's pages for their own company and sends the link to a victim (login
    # CSRF against the connection): the victim's session never issued that state.
    victim = make_user("victim@example.com")
    victims_workspace = make_workspace(victim, name="Victim Ltd")
    callback = _start(admin_client, workspace)
    other = Client()
    other.force_login(victim)
    response = other.get(callback)
    assert response["Location"] == "/" and any(INVALID in m for m in _messages(response))
    assert not QuickBooksConnection.objects.filter(workspace=victims_workspace).exists()
    assert not QuickBooksConnection.objects.exists()
    assert not _code_spent(qbo, callback)
    # The attacker's own state is still unused in their own session: their flow is unharmed.
    assert admin_client.get(callback)["Location"].endswith("/setup/mode/")


def test_a_signed_out_callback_is_refused_without_sending_to_login_with_the_code(
    qbo: Any, admin_client: Client, workspace: Any
) -> None:
    callback = _start(admin_client, workspace)
    response = Client().get(callback)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "code=" not in response["Location"] and response.content == b""
    assert not QuickBooksConnection.objects.exists()


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ("access_denied", "QuickBooks connection was cancelled"),
        ("server_error", "Intuit could not complete the QuickBooks connection"),
        ("invalid_scope", "Intuit could not complete the QuickBooks connection"),
    ],
)
def test_an_error_from_intuit_is_shown_and_nothing_is_stored(
    qbo: Any, admin_client: Client, workspace: Any, error: str, message: str
) -> None:
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    state = query_of(start["Location"])["state"]
    # Intuit sends error (and sometimes a code it never meant to honour) when consent is denied.
    response = admin_client.get(
        f"/integrations/quickbooks/callback?error={error}&state={state}&code=x&realmId={qbo.realm_us}"
    )
    assert response["Location"] == f"/w/{workspace.pk}/integrations/"
    assert any(message in m for m in _messages(response))
    assert "?" not in response["Location"] and response.content == b""
    _nothing_stored(admin_client)


def test_a_realm_owned_by_another_workspace_is_refused_before_the_code_is_spent(
    qbo: Any, connect: Any, make_user: Any, make_workspace: Any
) -> None:
    connect("solo@example.com")
    owner = QuickBooksConnection.objects.get()
    rival = make_user("rival@example.com")
    rivals = make_workspace(rival, name="Rival Ltd", country="US", currency="USD")
    client = Client()
    client.force_login(rival)
    callback = _start(client, rivals)
    response = client.get(callback)
    assert response["Location"] == f"/w/{rivals.pk}/integrations/"
    assert any("already connected to another Tanto workspace" in m for m in _messages(response))
    assert QuickBooksConnection.objects.get() == owner  # still the only one, untouched
    assert not _code_spent(qbo, callback)  # no tokens were ever issued to the rival


def test_the_state_is_long_random_and_bound_to_user_and_workspace(
    qbo: Any, admin_client: Client, admin_user: Any, workspace: Any
) -> None:
    states = []
    for _ in range(3):
        start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
        states.append(query_of(start["Location"])["state"])
    assert len(set(states)) == 3 and all(len(s) >= 40 for s in states)
    pending = admin_client.session[flow.SESSION_KEY]
    assert {pending[s]["user"] for s in states} == {admin_user.pk}
    assert {pending[s]["workspace"] for s in states} == {workspace.pk}


def test_the_authorization_url_comes_from_discovery_and_asks_only_for_accounting(
    qbo: Any, admin_client: Client, workspace: Any
) -> None:
    # Item 27: tokens are obtained in the app, through Intuit's authorize page and our callback only.
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    query = query_of(start["Location"])
    assert start["Location"].startswith(qbo.base_url)
    assert query["redirect_uri"] == "http://testserver/integrations/quickbooks/callback"
    assert "com.intuit.quickbooks.payment" not in query["scope"]
    assert query["response_type"] == "code" and query["client_id"] == "tanto-tests"
