"""Keeping a connection's access token fresh, one refresh at a time.

Intuit rotates the refresh token on (almost) every refresh and a stale one stops working after a grace
period, so two workers refreshing at once can lose the newest token and with it the connection. Refreshes
are therefore serialised per connection: a row lock on PostgreSQL, SQLite's write lock (transactions
there begin IMMEDIATE), and on every database a compare-and-swap on refresh_token_version, so at most one
rotation is ever written. The rotated tokens are committed before the new access token is handed out.
"""

from __future__ import annotations

import datetime
import logging

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tanto.integrations.quickbooks import oauth
from tanto.integrations.quickbooks.crypto import Secret
from tanto.integrations.quickbooks.errors import NeedsReconnect
from tanto.integrations.quickbooks.models import QuickBooksConnection, Status

logger = logging.getLogger(__name__)

# Refresh a little early so a token cannot expire between our check and Intuit's.
EXPIRY_MARGIN = datetime.timedelta(seconds=60)


def current_access_token(conn: QuickBooksConnection) -> Secret:
    """The access token to call the API with; refreshes only when it has (nearly) expired."""
    if conn.status != Status.CONNECTED:
        raise NeedsReconnect("The QuickBooks connection needs to be reconnected.")
    if conn.access_token_valid(timezone.now() + EXPIRY_MARGIN):
        token = conn.access_token
        assert token is not None
        return token
    return refresh_tokens(conn, seen_version=conn.refresh_token_version)


def locked_row(pk: int) -> QuickBooksConnection:
    rows = QuickBooksConnection.objects.filter(pk=pk)
    if db_connection.features.has_select_for_update:
        rows = rows.select_for_update()
    return rows.get()


def refresh_tokens(conn: QuickBooksConnection, *, seen_version: int) -> Secret:
    """Refresh unless someone else already did since we read version `seen_version`; updates `conn`."""
    refused: NeedsReconnect | None = None
    with transaction.atomic():
        row = locked_row(conn.pk)
        if row.status != Status.CONNECTED:
            refused = NeedsReconnect("The QuickBooks connection needs to be reconnected.")
        elif row.refresh_token_version != seen_version and row.access_token_valid(
            timezone.now() + EXPIRY_MARGIN
        ):
            logger.info("quickbooks.tokens.refreshed_elsewhere connection=%s", row.pk)
        else:
            refused = _rotate(row)
    conn.refresh_from_db()
    if refused is not None:
        raise refused
    token = conn.access_token
    assert token is not None
    return token


def _rotate(row: QuickBooksConnection) -> NeedsReconnect | None:
    refresh_token = row.refresh_token
    if refresh_token is None:
        return _mark_needs_reconnect(row, NeedsReconnect("There is no QuickBooks token to refresh."))
    try:
        tokens = oauth.refresh(refresh_token)
    except NeedsReconnect as exc:
        return _mark_needs_reconnect(row, exc)
    swapped = QuickBooksConnection.objects.filter(
        pk=row.pk, refresh_token_version=row.refresh_token_version
    ).update(
        **row.token_fields(tokens),
        refresh_token_version=F("refresh_token_version") + 1,
        last_refreshed_at=timezone.now(),
    )
    if not swapped:
        # Only reachable where the database could not lock the row: the other rotation won and is kept.
        logger.warning("quickbooks.tokens.lost_refresh_race connection=%s", row.pk)
    else:
        logger.info("quickbooks.tokens.refreshed connection=%s", row.pk)
    return None


def _mark_needs_reconnect(row: QuickBooksConnection, exc: NeedsReconnect) -> NeedsReconnect:
    # Committed with the surrounding transaction; the error is raised only after it has been.
    QuickBooksConnection.objects.filter(pk=row.pk).update(status=Status.NEEDS_RECONNECT)
    logger.warning("quickbooks.tokens.needs_reconnect connection=%s", row.pk)
    return exc
