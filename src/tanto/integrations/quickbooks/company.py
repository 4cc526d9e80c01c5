"""The QuickBooks company's own settings that pushes depend on, kept fresh.

Users change their QuickBooks company after connecting it: they turn on Multicurrency, switch custom
transaction numbers on or off, rename the company. Pushes decide from these settings whether an order can
be sent and how, so a stale copy would refuse an order the company now accepts (or send a DocNumber it now
ignores). They are read when the company connects and when setup runs, and again before a push once the
copy is older than `PREFERENCES_MAX_AGE`, or right away after QuickBooks refused a document (the refusal
may come from a changed setting, and the user's Retry should meet the company as it is now).
"""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from tanto.integrations.quickbooks.client import QuickBooksClient
from tanto.integrations.quickbooks.models import QuickBooksConnection

logger = logging.getLogger(__name__)

PREFERENCES_MAX_AGE = datetime.timedelta(hours=1)

# What the health card names when a setting changed in QuickBooks.
WATCHED = {
    "multi_currency_enabled": ("Multicurrency", {True: "turned on", False: "turned off"}),
    "custom_txn_numbers": ("Custom transaction numbers", {True: "turned on", False: "turned off"}),
}
FIELDS = ["company_name", "country", "home_currency", "multi_currency_enabled", "custom_txn_numbers"]


def load_company(conn: QuickBooksConnection, client: QuickBooksClient | None = None) -> list[str]:
    """Reads the company's name, country and preferences into `conn`; returns what changed, in words."""
    if client is None:
        with QuickBooksClient(conn) as own:
            return load_company(conn, own)
    info = client.company_info()
    prefs = client.preferences()
    currency = prefs.get("CurrencyPrefs") or {}
    before = {field: getattr(conn, field) for field in FIELDS}
    conn.company_name = str(info.get("CompanyName", ""))[:200]
    conn.country = str(info.get("Country", ""))[:8]
    conn.home_currency = str((currency.get("HomeCurrency") or {}).get("value", ""))[:3]
    conn.multi_currency_enabled = bool(currency.get("MultiCurrencyEnabled", False))
    conn.custom_txn_numbers = bool((prefs.get("SalesFormsPrefs") or {}).get("CustomTxnNumbers", False))
    conn.preferences_read_at = timezone.now()
    changes = _changes(before, conn) if before["country"] else {}  # the first read changes nothing
    update = [*FIELDS, "preferences_read_at"]
    if changes:
        conn.preferences_changes = "; ".join(changes.values())
        conn.preferences_changed_at = conn.preferences_read_at
        update += ["preferences_changes", "preferences_changed_at"]
        # Field names only: the values (a company's name) are QuickBooks data, which stays out of logs.
        logger.info("quickbooks.company.settings_changed connection=%s fields=%s", conn.pk, ",".join(changes))
    conn.save(update_fields=update)
    return list(changes.values())


def _changes(before: dict[str, object], conn: QuickBooksConnection) -> dict[str, str]:
    """Each changed field, and the change in words."""
    changes = {}
    for field, (label, words) in WATCHED.items():
        now = getattr(conn, field)
        if before[field] != now:
            changes[field] = f"{label} {words[bool(now)]}"
    if before["company_name"] and before["company_name"] != conn.company_name:
        changes["company_name"] = f"Company renamed to {conn.company_name}"
    return changes


def refresh_if_stale(conn: QuickBooksConnection, client: QuickBooksClient) -> None:
    """Re-reads the company's settings when our copy is old or was marked stale by a refusal."""
    read_at = conn.preferences_read_at
    if read_at is None or timezone.now() - read_at > PREFERENCES_MAX_AGE:
        load_company(conn, client)


def mark_stale(connection_id: int) -> None:
    """After QuickBooks refused a document: read the company's settings again before the next push."""
    QuickBooksConnection.objects.filter(pk=connection_id, preferences_read_at__isnull=False).update(
        preferences_read_at=None
    )
