"""Connection health over time, Intuit's review rules, and the provider-neutral interface."""

from __future__ import annotations

import datetime
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection as db_connection
from django.test import Client
from django.utils import timezone

from tanto.integrations import base
from tanto.integrations.quickbooks import oauth, tokens
from tanto.integrations.quickbooks.client import QuickBooksClient
from tanto.integrations.quickbooks.errors import NeedsReconnect
from tanto.integrations.quickbooks.models import QuickBooksConnection, Status
from tests.integrations.conftest import CLIENT_SECRET, callback_path, intuit_authorize, step_url

pytestmark = pytest.mark.emulator
INTEGRATION = Path(__file__).resolve().parents[2] / "src" / "tanto" / "integrations"


def test_refresh_token_expiry_on_intuits_clock_leads_to_needs_reconnect(qbo: Any, connected: Any) -> None:
    conn = connected()
    qbo.control("POST", "clock", {"advance_seconds": 101 * 86400})
    with pytest.raises(NeedsReconnect), QuickBooksClient(conn) as client:
        client.company_info()
    assert QuickBooksConnection.objects.get(pk=conn.pk).status == Status.NEEDS_RECONNECT


def test_hard_cap_approaching_warns_admins_everywhere(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    conn = connected()
    soon = timezone.now() + datetime.timedelta(days=10)
    QuickBooksConnection.objects.filter(pk=conn.pk).update(refresh_token_hard_expires_at=soon)
    page = admin_client.get(f"/w/{workspace.pk}/contacts/").content.decode()
    assert "expires on" in page and ">Reconnect</button>" in page
    assert "Reconnect before then" in admin_client.get(f"/w/{workspace.pk}/integrations/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_are_serialised(qbo: Any, connected: Any, monkeypatch: Any) -> None:
    if db_connection.vendor == "sqlite":
        pytest.skip(
            "the test database is SQLite in memory (shared cache), which cannot wait for a lock; "
            "the compare-and-swap test covers SQLite and the file database queues writers"
        )
    conn = connected()
    QuickBooksConnection.objects.filter(pk=conn.pk).update(
        access_token_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    second_inside = threading.Event()
    start_together = threading.Barrier(2)
    real_refresh = oauth.refresh
    entered: list[int] = []

    def slow_refresh(token: Any) -> Any:
        entered.append(1)
        if len(entered) == 1:
            # Serialised, the other worker cannot get in while we hold the row, so this wait times out.
            assert not second_inside.wait(timeout=0.5), "two refreshes ran at the same time"
        else:
            second_inside.set()
        return real_refresh(token)

    monkeypatch.setattr(oauth, "refresh", slow_refresh)
    results: list[str] = []
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            row = QuickBooksConnection.objects.get(pk=conn.pk)
            start_together.wait()
            results.append(tokens.current_access_token(row).reveal())
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread below
            failures.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert len(results) == 2 and results[0] == results[1]
    assert len(entered) == 1
    assert qbo.control("GET", "stats")[conn.realm_id]["token_refreshes"] == 1


def test_signed_out_callback_is_a_clean_redirect(qbo: Any, admin_client: Client, workspace: Any) -> None:
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    callback = callback_path(intuit_authorize(start["Location"], "solo@example.com"))
    response = Client().get(callback)
    assert response.status_code == 302 and response["Location"] == "/" and response.content == b""
    assert not QuickBooksConnection.objects.exists()


def test_a_second_import_click_reuses_the_running_one(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any, settings: Any
) -> None:
    from tanto.integrations.quickbooks.models import ImportRun

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    conn = connected()
    QuickBooksConnection.objects.filter(pk=conn.pk).update(
        mode="simple", sales_sync_enabled=True, sales_account_id="1"
    )
    admin_client.post(step_url(workspace, "import"), {"import": "1"})
    admin_client.post(step_url(workspace, "import"), {"import": "1"})
    assert ImportRun.objects.count() == 1


def test_production_redirect_uri_must_be_https(settings: Any) -> None:
    from django.core.checks.registry import registry

    from tanto.integrations.quickbooks.checks import redirect_uri_is_https_in_production as check

    assert check in registry.get_checks()
    settings.QBO_ENVIRONMENT = "production"
    for uri in (
        "http://tanto.example/integrations/quickbooks/callback",
        "https://10.0.0.5/integrations/quickbooks/callback",
    ):
        settings.QBO_REDIRECT_URI = uri
        assert [m.id for m in check()] == ["quickbooks.E001"]
    settings.QBO_REDIRECT_URI = "https://tanto.example/integrations/quickbooks/callback"
    assert check() == []


def test_intuit_and_quickbooks_are_spelled_out() -> None:
    templates = [
        *INTEGRATION.rglob("*.html"),
        INTEGRATION.parent / "templates" / "integrations" / "banner.html",
    ]
    for path in [*templates, *INTEGRATION.rglob("*.py")]:
        assert "Quickbooks" not in path.read_text(), path
    for path in templates:
        # What users read says QuickBooks, never the abbreviation.
        assert not re.search(r"\bQBO\b", path.read_text()), path


def test_no_secret_reaches_the_logs(qbo: Any, connected: Any, caplog: Any) -> None:
    caplog.set_level("DEBUG")
    conn = connected()
    QuickBooksConnection.objects.filter(pk=conn.pk).update(
        access_token_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    conn.refresh_from_db()
    with QuickBooksClient(conn) as client:
        client.company_info()
    row = QuickBooksConnection.objects.get(pk=conn.pk)
    for secret in (row.access_token.reveal(), row.refresh_token.reveal(), CLIENT_SECRET):  # type: ignore[union-attr]
        assert secret not in caplog.text


def test_the_app_reaches_quickbooks_only_through_the_provider_interface(
    qbo: Any, connected: Any, workspace: Any
) -> None:
    assert [p.key for p in base.providers()] == ["quickbooks"]
    assert base.active_connection(workspace) is None
    conn = connected()
    found = base.active_connection(workspace)
    assert (
        found is not None and found.provider_key == "quickbooks" and found.company_name == "Solo Sandbox US"
    )
    assert not found.is_active and not found.needs_reconnect
    QuickBooksConnection.objects.filter(pk=conn.pk).update(status=Status.DISCONNECTED)
    assert base.active_connection(workspace) is None


def test_a_tax_rate_added_after_setup_is_flagged(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    from tanto.catalog.models import TaxRate
    from tanto.integrations.quickbooks.models import TaxMapping

    conn = connected("owner@example.com", "Sandbox Company UK")
    for rate in TaxRate.objects.filter(workspace=workspace):
        TaxMapping.objects.create(connection=conn, tax_rate=rate, tax_code_id="2", tax_code_name="20.0% S")
    QuickBooksConnection.objects.filter(pk=conn.pk).update(mode="simple", setup_completed_at=timezone.now())
    assert "not mapped" not in admin_client.get(f"/w/{workspace.pk}/integrations/").content.decode()
    TaxRate.objects.create(workspace=workspace, name="Luxury VAT", rate=25)
    html = admin_client.get(f"/w/{workspace.pk}/integrations/").content.decode()
    assert "Tax rates not mapped to QuickBooks yet: Luxury VAT (25%)" in html


def test_callback_for_someone_no_longer_admin_is_refused_with_a_redirect(
    qbo: Any, admin_client: Client, admin_user: Any, workspace: Any
) -> None:
    from tanto.accounts.models import Membership

    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    callback = callback_path(intuit_authorize(start["Location"], "solo@example.com"))
    Membership.objects.filter(user=admin_user, workspace=workspace).update(role="member")
    response = admin_client.get(callback)
    assert response.status_code == 302 and response["Location"] == "/" and response.content == b""
    assert not QuickBooksConnection.objects.exists()


def test_company_details_are_read_again_if_connect_could_not(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    conn = connected("owner@example.com", "Sandbox Company UK")
    QuickBooksConnection.objects.filter(pk=conn.pk).update(country="", company_name="")
    admin_client.post(step_url(workspace, "mode"), {"mode": "simple"})
    conn.refresh_from_db()
    assert (conn.country, conn.company_name, conn.mode) == ("GB", "Sandbox Company UK", "simple")
