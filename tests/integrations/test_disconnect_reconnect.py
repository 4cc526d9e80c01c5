"""Disconnect revokes at Intuit and keeps mappings and links; reconnecting restores them; another company
starts clean. Plus the pages Intuit's app settings point at."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from django.test import Client

from tanto.contacts.models import Customer
from tanto.integrations.quickbooks.models import (
    ContactLink,
    ImportRun,
    QuickBooksConnection,
    Status,
    TaxMapping,
)
from tests.integrations.conftest import CLIENT_ID, CLIENT_SECRET, step_url
from tests.screens import buttons

pytestmark = pytest.mark.emulator


def _finish_setup(client: Client, workspace: Any, capture: Any) -> None:
    client.post(step_url(workspace, "mode"), {"mode": "simple"})
    form = client.get(step_url(workspace, "accounts")).context["form"]
    income = next(
        v for v, label in form.fields["sales_account"].choices if label == "Sales of Product Income"
    )
    next_step = client.post(
        step_url(workspace, "accounts"), {"sales_sync_enabled": "on", "sales_account": income}
    )
    if next_step["Location"] == step_url(workspace, "tax"):
        tax = client.get(step_url(workspace, "tax")).context["form"]
        client.post(
            step_url(workspace, "tax"),
            {**{tax.field_name(r): tax[tax.field_name(r)].value() for r in tax.rates}, "done": "1"},
        )
    with capture(execute=True):
        client.post(step_url(workspace, "import"), {"import": "1"})
    client.post(step_url(workspace, "import"), {"done": "1"})


def _refresh_works(emu: Any, refresh_token: str) -> bool:
    response = httpx.post(
        f"{emu.base_url}/oauth2/v1/tokens/bearer",
        auth=(CLIENT_ID, CLIENT_SECRET),
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
    )
    return response.status_code == 200


def test_disconnect_revokes_and_keeps_mappings_and_links(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conn = connected("owner@example.com", "Sandbox Company UK")
    _finish_setup(admin_client, workspace, django_capture_on_commit_callbacks)
    conn.refresh_from_db()
    refresh_token = conn.refresh_token.reveal()  # type: ignore[union-attr]
    links, mappings = ContactLink.objects.count(), TaxMapping.objects.count()
    assert links and mappings
    response = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/disconnect/", follow=True)
    html = response.content.decode()
    assert "Disconnected from QuickBooks company" in html
    assert "Connect to QuickBooks" in buttons(html) and "Disconnect" not in buttons(html)
    assert not _refresh_works(qbo, refresh_token)  # Intuit (the emulator) revoked the grant
    conn.refresh_from_db()
    assert (
        conn.status == Status.DISCONNECTED
        and not conn.refresh_token_ciphertext
        and not conn.access_token_ciphertext
    )
    assert (ContactLink.objects.count(), TaxMapping.objects.count()) == (links, mappings)


def test_reconnecting_the_same_company_restores_without_duplicates(
    qbo: Any,
    connected: Any,
    connect: Any,
    admin_client: Client,
    workspace: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    conn = connected("owner@example.com", "Sandbox Company UK")
    _finish_setup(admin_client, workspace, django_capture_on_commit_callbacks)
    customers = Customer.objects.count()
    admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/disconnect/")
    back = connect("owner@example.com", "Sandbox Company UK")
    assert back["Location"] == f"/w/{workspace.pk}/integrations/"
    assert QuickBooksConnection.objects.count() == 1
    again = QuickBooksConnection.objects.get()
    assert again.pk == conn.pk and again.is_active and again.sales_account_name == "Sales of Product Income"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(step_url(workspace, "import"), {"import": "1"})
    run = ImportRun.objects.first()
    assert run is not None and run.created == 0 and run.already_imported > 0
    assert Customer.objects.count() == customers


def test_a_different_company_never_reuses_links(
    qbo: Any,
    connected: Any,
    connect: Any,
    admin_client: Client,
    workspace: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old = connected("owner@example.com", "Sandbox Company UK")
    _finish_setup(admin_client, workspace, django_capture_on_commit_callbacks)
    old_links = set(ContactLink.objects.filter(connection=old).values_list("pk", flat=True))
    admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/disconnect/")
    landed = connect("owner@example.com", "Sandbox Company US")
    assert landed["Location"] == step_url(workspace, "mode")
    new = QuickBooksConnection.objects.get(status=Status.CONNECTED)
    assert new.pk != old.pk and new.realm_id == qbo.realm_us and new.mode == ""
    assert not ContactLink.objects.filter(connection=new).exists()
    assert not TaxMapping.objects.filter(connection=new).exists()
    assert set(ContactLink.objects.filter(connection=old).values_list("pk", flat=True)) == old_links


def test_disconnect_needs_csrf_and_admin(
    qbo: Any, connected: Any, admin_user: Any, make_user: Any, workspace: Any
) -> None:
    from tanto.accounts.models import Membership

    connected()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(f"/w/{workspace.pk}/integrations/quickbooks/disconnect/").status_code == 403
    member = make_user("member@example.com")
    Membership.objects.create(user=member, workspace=workspace, role="member")
    other = Client()
    other.force_login(member)
    assert other.post(f"/w/{workspace.pk}/integrations/quickbooks/disconnect/").status_code == 403
    assert ">Disconnect</button>" not in other.get(f"/w/{workspace.pk}/integrations/").content.decode()
    assert QuickBooksConnection.objects.get().status == Status.CONNECTED


def test_connection_survives_logout(
    qbo: Any, connected: Any, admin_client: Client, admin_user: Any, workspace: Any
) -> None:
    connected()
    admin_client.post("/accounts/logout/")
    fresh = Client()
    fresh.force_login(admin_user)
    html = fresh.get(f"/w/{workspace.pk}/integrations/").content.decode()
    assert "Solo Sandbox US" in html and ">Disconnect</button>" in html


def test_intuit_disconnect_url_is_public(client: Client, db: None) -> None:
    response = client.get("/integrations/quickbooks/disconnected")
    assert response.status_code == 200
    html = response.content.decode()
    assert "disconnected from QuickBooks" in html and "To reconnect" in html


def test_intuit_launch_url_opens_sign_in(client: Client, db: None) -> None:
    response = client.get("/integrations/quickbooks/launch")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login")


def test_intuit_reconnect_url_starts_authorization(qbo: Any, connected: Any, admin_client: Client) -> None:
    conn = connected()
    response = admin_client.get(f"/integrations/quickbooks/reconnect?realmId={conn.realm_id}")
    assert response.status_code == 302
    assert (
        response["Location"].startswith(f"{qbo.base_url}/connect/oauth2?")
        and "state=" in response["Location"]
    )
    assert admin_client.get("/integrations/quickbooks/reconnect?realmId=999")["Location"] == "/"
