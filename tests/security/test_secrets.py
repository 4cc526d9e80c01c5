"""Secrets (docs/security.md, items 6, 15, 18 and 19): after a whole life of a connection (connect, push,
token refresh, faults, an import, disconnect) against the emulator over HTTP, no OAuth credential appears
in plaintext in any database column, log record, page the app served, or error message; and the company
id (realmId) is stored only encrypted and as a keyed hash.

The credentials are the emulator's own: every access token, refresh token and authorization code it
issued during the test, read from its store, so a token the app received but never meant to keep is
looked for too.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import traceback
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection as db
from django.test import Client
from django.utils import timezone

from qbo_emulator.oauth import ACCESS_PREFIX
from tanto import config
from tanto.integrations.outbox import Kind, State, SyncAttempt, SyncRecord
from tanto.integrations.quickbooks import errors, tasks
from tanto.integrations.quickbooks.client import QuickBooksClient
from tanto.integrations.quickbooks.models import ImportRun, ImportStatus, QuickBooksConnection, Status
from tests.integrations.conftest import CLIENT_SECRET
from tests.integrations.test_push import active, purchase_order, push_now, sales_order  # noqa: F401

pytestmark = [pytest.mark.emulator, pytest.mark.django_db]


class RecordingClient(Client):
    """The Django test client, keeping every response (headers and body) the app served."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.served: list[str] = []

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        headers = " ".join(f"{k}: {v}" for k, v in response.items())
        body = b"".join(response) if response.streaming else response.content
        self.served.append(f"{request.get('PATH_INFO')} {headers}\n{body.decode(errors='replace')}")
        return response


@pytest.fixture
def client() -> RecordingClient:
    # Overrides pytest-django's client, so admin_client and the connect fixtures record too.
    return RecordingClient()


@pytest.fixture
def outbound(monkeypatch: pytest.MonkeyPatch) -> list[httpx.URL]:
    """Every URL the app's HTTP client sent a request to."""
    sent: list[httpx.URL] = []
    real_send = httpx.Client.send

    def send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        sent.append(request.url)
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)
    return sent


@pytest.fixture
def raised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every QuickBooks error created during the test (message, repr, faults)."""
    made: list[str] = []
    real_init = errors.QuickBooksError.__init__

    def init(self: errors.QuickBooksError, message: str, **kwargs: Any) -> None:
        real_init(self, message, **kwargs)
        made.append(f"{self!s} {self!r} {self.faults!r}")

    monkeypatch.setattr(errors.QuickBooksError, "__init__", init)
    return made


def issued_credentials(qbo: Any) -> list[str]:
    """Needles: each credential the emulator issued, and a distinctive slice of its random part (a
    message quoting a token's beginning, as Intuit's gateway does, must not leak it either)."""
    auth = qbo.emulator.store.auth
    needles: list[str] = [CLIENT_SECRET]
    for token in auth.access_tokens:
        needles += [token, token.removeprefix(ACCESS_PREFIX)[:24]]
    for token in auth.refresh_tokens:
        needles += [token, token[-20:]]
    needles += list(auth.codes)
    return needles


def _text(value: Any) -> str:
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return str(value)


def database_text() -> Iterator[tuple[str, str]]:
    """(table, the text of one row) for every row of every table, read with raw SQL."""
    with db.cursor() as cursor:
        for table in db.introspection.table_names():
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")
            for row in cursor.fetchall():
                yield table, " ".join(_text(value) for value in row)


def leaks(needles: list[str], places: dict[str, list[str]]) -> list[str]:
    return [
        f"{where}: …{needle[:12]}…"
        for where, texts in places.items()
        for needle in needles
        if any(needle in text for text in texts)
    ]


def _force_refresh_locally(conn: QuickBooksConnection) -> None:
    QuickBooksConnection.objects.filter(pk=conn.pk).update(
        access_token_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    conn.refresh_from_db()


def test_no_credential_is_stored_logged_shown_or_raised_in_plaintext(
    qbo: Any,
    active: Any,  # noqa: F811
    workspace: Any,
    admin_client: RecordingClient,
    caplog: pytest.LogCaptureFixture,
    outbound: list[httpx.URL],
    raised: list[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level
    conn = active()
    version = conn.refresh_token_version

    # A push that succeeds.
    [invoice] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert invoice.state == State.SYNCED and invoice.remote_id

    # Intuit's clock passes the access token's hour: the next call meets a 401 (whose Detail quotes the
    # token) and refreshes once; then our own clock expires it too and the next call refreshes first.
    qbo.advance(3700)
    [bill] = push_now(conn, Kind.BILL, [purchase_order(workspace, currency="USD")])
    assert bill.state == State.SYNCED, bill.error_message
    _force_refresh_locally(conn)
    with QuickBooksClient(conn) as client:
        client.company_info()
    conn.refresh_from_db()
    assert conn.refresh_token_version >= version + 2
    # The database while connected (tokens stored) and again at the end (after disconnect).
    while_connected = [text for _, text in database_text()]
    assert "gAAAAA" in " ".join(while_connected)  # Fernet ciphertext is what is stored

    # Faults: a server error on the write (queued with a reason) and on an import (failed with one).
    qbo.faults({"method": "POST", "entity": "Invoice", "kind": "http_500", "count": 1})
    [retrying] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert retrying.state == State.QUEUED and retrying.error_message
    qbo.faults({"path": "query", "kind": "http_503", "count": 4})
    run = ImportRun.objects.create(workspace=workspace, connection=conn)
    tasks.run_import(run)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED and run.error
    qbo.faults()

    # The pages that show all this.
    for url in (
        f"/w/{workspace.pk}/sell/",
        f"/w/{workspace.pk}/buy/",
        f"/w/{workspace.pk}/integrations/",
        f"/w/{workspace.pk}/integrations/quickbooks/sync-log/",
        f"/w/{workspace.pk}/integrations/quickbooks/imports/{run.pk}/",
    ):
        assert admin_client.get(url).status_code == 200, url

    # Disconnect revokes at Intuit and forgets the tokens; a later call is refused without them.
    assert admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/disconnect/").status_code == 302
    conn.refresh_from_db()
    assert conn.status == Status.DISCONNECTED and conn.access_token is None and conn.refresh_token is None
    with pytest.raises(errors.NeedsReconnect) as refused, QuickBooksClient(conn) as client:
        client.company_info()
    admin_client.get(f"/w/{workspace.pk}/integrations/")

    needles = issued_credentials(qbo)
    assert len(needles) > 8  # several access and refresh tokens were issued
    stored = SyncAttempt.objects.values_list("message", flat=True)
    places = {
        "database": [*while_connected, *(text for _, text in database_text())],
        "log records": [r.getMessage() for r in caplog.records] + [caplog.text],
        "pages served": admin_client.served,
        "exception messages": [
            *raised,
            "".join(traceback.format_exception(refused.value)),
            *SyncRecord.objects.values_list("error_message", flat=True),
            *stored,
            run.error,
        ],
    }
    assert not leaks(needles, places)
    # Item 6 also asks that no QuickBooks data be logged: what the invoices carried stays out of the logs.
    customer = invoice.sales_order.customer
    business = [customer.display_name, customer.email, invoice.sales_order.number]
    assert not leaks([b for b in business if len(b) > 3], {"log records": places["log records"]})
    # Item 44: the intuit_tid of a failed call is kept with the attempt, for Intuit's support.
    assert all(SyncAttempt.objects.filter(outcome="transient").values_list("intuit_tid", flat=True))
    assert all(places.values())  # each place was really looked at

    # Item 15: every request went to the QuickBooks endpoints the settings name, and nowhere else.
    emulator = httpx.URL(qbo.base_url)
    assert outbound and {(u.host, u.port) for u in outbound} == {(emulator.host, emulator.port)}


def test_the_company_id_is_stored_only_encrypted_and_hashed_and_survives_a_key_rotation(
    qbo: Any,
    active: Any,  # noqa: F811
    workspace: Any,
    admin_client: Client,
    settings: Any,
) -> None:
    conn = active()
    realm = conn.realm_id
    # A push (the rate limiter keeps a row per company) and a reconnect begun (the session keeps which
    # company it must come back with): the places a company id would be written.
    assert push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])[0].state == State.SYNCED
    QuickBooksConnection.objects.filter(pk=conn.pk).update(status=Status.NEEDS_RECONNECT)
    assert admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/reconnect/").status_code == 302
    sessions = [str(s.get_decoded()) for s in Session.objects.all()]
    assert any("quickbooks_oauth_states" in s for s in sessions)
    assert not leaks([realm], {"database": [text for _, text in database_text()], "sessions": sessions})
    assert QuickBooksConnection.objects.for_realm(realm).get() == conn

    # A new key goes first: the rows written under the old one are still read and found...
    old_hash, old_token = conn.realm_hash, conn.access_token
    new = config.SecretKeys(("a-new-secret-key-for-the-rotation",), generated=False)
    settings.ENCRYPTION_KEYS = [*new.fernet_keys(), *settings.ENCRYPTION_KEYS]
    settings.LOOKUP_KEYS = [*new.lookup_keys(), *settings.LOOKUP_KEYS]
    assert QuickBooksConnection.objects.for_realm(realm).get().realm_id == realm
    # ...and once rotate_secrets has rewritten them, the old key can go.
    call_command("rotate_secrets", stdout=io.StringIO())
    settings.ENCRYPTION_KEYS, settings.LOOKUP_KEYS = settings.ENCRYPTION_KEYS[:1], settings.LOOKUP_KEYS[:1]
    rotated = QuickBooksConnection.objects.for_realm(realm).get()
    assert rotated.realm_hash != old_hash and rotated.realm_id == realm
    assert rotated.access_token == old_token and rotated.refresh_token is not None


def test_production_endpoints_are_intuits_own() -> None:
    from tanto.integrations.quickbooks import oauth

    for url in [*oauth.DISCOVERY_URLS.values(), *oauth.API_BASE_URLS.values()]:
        host = httpx.URL(url).host
        assert url.startswith("https://") and (host == "intuit.com" or host.endswith(".intuit.com")), url


def test_no_secret_is_hard_coded_in_the_app() -> None:
    from pathlib import Path

    import tanto

    root = Path(tanto.__file__).parent
    suspicious = ("client_secret=", 'QBO_CLIENT_SECRET = "', "Bearer ey", "AB11")
    for path in root.rglob("*.py"):
        text = path.read_text()
        for marker in suspicious:
            assert marker not in text, f"{path}: {marker}"
    # Templates may show when a token expires, never a token itself.
    shows_token = re.compile(r"(access|refresh)_token(_ciphertext)?\s*(\}\}|\|)|client_secret", re.I)
    for path in root.rglob("*.html"):
        assert not shows_token.search(path.read_text()), path
