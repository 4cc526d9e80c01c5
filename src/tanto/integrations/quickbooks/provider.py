"""QuickBooks Online as an accounting provider: what the Integrations tab and banner show about it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from tanto.accounts.models import Workspace
from tanto.catalog.models import TaxRate
from tanto.integrations.base import AccountingProvider, SetupPipeline
from tanto.integrations.quickbooks.connection import expires_soon
from tanto.integrations.quickbooks.models import LIVE, QuickBooksConnection, TaxMapping

# Intuit warns users 30 days before the five-year cap; so do we.
HARD_CAP_WARNING_DAYS = 30


def unmapped_tax_rates(conn: QuickBooksConnection) -> list[TaxRate]:
    """Tanto tax rates added after setup that a non-US company has no tax code for yet."""
    if conn.is_us:
        return []
    mapped = TaxMapping.objects.filter(connection=conn).values("tax_rate_id")
    return list(TaxRate.objects.filter(workspace_id=conn.workspace_id, archived=False).exclude(pk__in=mapped))


def live_connection(workspace: Workspace | int) -> QuickBooksConnection | None:
    return QuickBooksConnection.objects.filter(LIVE, workspace=workspace).first()


class QuickBooksProvider(AccountingProvider):
    key = "quickbooks"
    name = "QuickBooks Online"
    description = (
        "Send sales orders to QuickBooks Online as invoices and purchase orders as bills, and "
        "import your QuickBooks customers and suppliers."
    )
    logo = "quickbooks/quickbooks-logo.svg"
    card_template = "quickbooks/card.html"

    def connection_for(self, workspace: Workspace) -> QuickBooksConnection | None:
        return live_connection(workspace)

    def card_context(self, request: HttpRequest, workspace: Workspace) -> dict[str, Any]:
        conn = live_connection(workspace)
        pipeline = self.setup_pipeline()
        return {
            "provider": self,
            "connection": conn,
            "next_step": pipeline.first_incomplete(conn) if conn else None,
            "first_step": pipeline.steps[0],
            "now": timezone.now(),
            "hard_cap_soon": conn is not None
            and expires_soon(conn.refresh_token_hard_expires_at, HARD_CAP_WARNING_DAYS),
            "last_import": conn.imports.first() if conn else None,
            "unmapped_rates": unmapped_tax_rates(conn) if conn and conn.is_active else [],
        }

    def banner_context(self, workspace: Workspace) -> dict[str, Any] | None:
        conn = live_connection(workspace)
        if conn is None:
            return None
        reconnect_url = reverse("quickbooks:reconnect", kwargs={"ws": conn.workspace_id})
        if conn.needs_reconnect:
            return {"connection": conn, "problem": "needs_reconnect", "reconnect_url": reconnect_url}
        if expires_soon(conn.refresh_token_hard_expires_at, HARD_CAP_WARNING_DAYS) or expires_soon(
            conn.refresh_token_expires_at, HARD_CAP_WARNING_DAYS
        ):
            return {"connection": conn, "problem": "expires_soon", "reconnect_url": reconnect_url}
        return None

    def setup_pipeline(self) -> SetupPipeline:
        from tanto.integrations.quickbooks.setup import PIPELINE

        return PIPELINE


PROVIDER = QuickBooksProvider()
