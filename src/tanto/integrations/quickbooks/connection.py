"""Connecting a workspace to a QuickBooks company: the OAuth state, the callback's checks, disconnect.

`state` is random, kept in the user's session together with the workspace it was issued for, used once
and valid for ten minutes; anything else arriving at the callback is refused before a token is asked for.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from tanto.accounts.models import User, Workspace
from tanto.integrations.quickbooks import company, oauth
from tanto.integrations.quickbooks.crypto import lookup_hash, lookup_hashes
from tanto.integrations.quickbooks.errors import QuickBooksError
from tanto.integrations.quickbooks.models import LIVE, ImportRun, ImportStatus, QuickBooksConnection, Status

logger = logging.getLogger(__name__)

SESSION_KEY = "quickbooks_oauth_states"
STATE_TTL_SECONDS = 600
MAX_PENDING_STATES = 5


class ConnectRefused(Exception):
    """The callback cannot store a connection; the message is for the user."""


@dataclass(frozen=True)
class PendingAuthorization:
    workspace_id: int
    user_id: int
    expected_realm_hash: str  # set when reconnecting: the company must stay the same


def start_authorization(request: HttpRequest, workspace: Workspace, expected_realm: str = "") -> str:
    """Remembers a fresh state in the session and returns Intuit's authorization URL for it."""
    state = secrets.token_urlsafe(32)
    pending: dict[str, dict[str, Any]] = dict(request.session.get(SESSION_KEY, {}))
    now = time.time()
    pending = {k: v for k, v in pending.items() if v["expires"] > now}
    while len(pending) >= MAX_PENDING_STATES:
        pending.pop(min(pending, key=lambda k: pending[k]["expires"]))
    pending[state] = {
        "workspace": workspace.pk,
        "user": request.user.pk,
        # The session is stored unencrypted, so it keeps the company id's keyed hash, not the id.
        "realm": lookup_hash(expected_realm) if expected_realm else "",
        "expires": now + STATE_TTL_SECONDS,
    }
    request.session[SESSION_KEY] = pending
    return oauth.authorization_url(state)


def consume_state(request: HttpRequest, state: str) -> PendingAuthorization | None:
    """The authorization this state was issued for, removed so it cannot be used again; None when the
    state is missing, unknown, from another user or expired."""
    pending: dict[str, dict[str, Any]] = dict(request.session.get(SESSION_KEY, {}))
    entry = pending.pop(state, None) if state else None
    request.session[SESSION_KEY] = pending
    if entry is None or entry["expires"] < time.time() or entry["user"] != request.user.pk:
        return None
    return PendingAuthorization(entry["workspace"], entry["user"], entry["realm"])


def complete_connection(
    pending: PendingAuthorization, code: str, realm_id: str, user: User
) -> QuickBooksConnection:
    """Exchanges the code and stores the connection, or raises ConnectRefused with nothing stored."""
    workspace = Workspace.objects.get(pk=pending.workspace_id)
    _check_realm(workspace, realm_id, pending.expected_realm_hash)
    try:
        token_set = oauth.exchange_code(code)
    except QuickBooksError as exc:
        raise ConnectRefused(
            f"QuickBooks did not complete the connection: {exc.message} Try connecting again."
        ) from exc
    email = str(oauth.userinfo(token_set.access_token).get("email", ""))
    try:
        with transaction.atomic():
            conn = QuickBooksConnection.objects.for_realm(realm_id).filter(workspace=workspace).first()
            if conn is None:
                conn = QuickBooksConnection.objects.create(workspace=workspace, realm_id=realm_id)
            fields = conn.token_fields(token_set)
            QuickBooksConnection.objects.filter(pk=conn.pk).update(
                **fields,
                refresh_token_version=F("refresh_token_version") + 1,
                status=Status.CONNECTED,
                connected_by=user,
                connected_by_intuit_email=email,
                connected_at=timezone.now(),
                disconnected_at=None,
            )
    except IntegrityError as exc:
        # Another workspace (or this one, with another company) went live in the meantime.
        raise ConnectRefused(_realm_taken_message()) from exc
    conn.refresh_from_db()
    company.load_company(conn)
    logger.info("quickbooks.connect.stored connection=%s workspace=%s", conn.pk, workspace.pk)
    return conn


def _realm_taken_message() -> str:
    return (
        "This QuickBooks company is already connected to another Tanto workspace. Disconnect it there "
        "first: connecting it twice would send every invoice and bill twice."
    )


def _check_realm(workspace: Workspace, realm_id: str, expected_realm_hash: str) -> None:
    if expected_realm_hash and expected_realm_hash not in lookup_hashes(realm_id):
        raise ConnectRefused(
            "You chose a different QuickBooks company than the one this workspace is "
            "connected to. Choose the same company to reconnect, or disconnect first."
        )
    same_company = QuickBooksConnection.objects.for_realm(realm_id)
    if same_company.filter(LIVE).exclude(workspace=workspace).exists():
        raise ConnectRefused(_realm_taken_message())
    live_here = QuickBooksConnection.objects.filter(LIVE, workspace=workspace)
    if live_here.exclude(pk__in=same_company.values("pk")).exists():
        raise ConnectRefused(
            "This workspace is already connected to another QuickBooks company. Disconnect it first."
        )


def resume_paused_work(conn: QuickBooksConnection) -> int:
    """After a reconnect, re-queue what paused while the connection was broken."""
    from tanto.integrations.quickbooks.tasks import enqueue_import

    paused = list(ImportRun.objects.filter(connection=conn, status=ImportStatus.PAUSED))
    for run in paused:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.QUEUED)
        enqueue_import(run)
    return len(paused)


def disconnect(conn: QuickBooksConnection) -> bool:
    """Revokes the grant at Intuit and forgets the tokens; mappings and contact links stay, so the same
    company can be reconnected without duplicates. True when Intuit confirmed the revocation."""
    token = conn.refresh_token or conn.access_token
    revoked = oauth.revoke(token) if token is not None else False
    conn.forget_tokens()
    conn.status = Status.DISCONNECTED
    conn.disconnected_at = timezone.now()
    conn.save()
    logger.info("quickbooks.disconnect connection=%s revoked=%s", conn.pk, revoked)
    return revoked


def expires_soon(moment: datetime.datetime | None, days: int = 30) -> bool:
    return moment is not None and moment - timezone.now() < datetime.timedelta(days=days)
