"""Nobody outside the workspace can see or touch its connection, mappings or imports; members only look."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tanto.accounts.models import Membership
from tanto.integrations.quickbooks.models import ImportRun, QuickBooksConnection
from tests.integrations.conftest import step_url
from tests.screens import buttons

pytestmark = pytest.mark.emulator


@pytest.fixture
def outsider(make_user: Any, make_workspace: Any) -> Client:
    user = make_user("outsider@example.com")
    make_workspace(user, name="Elsewhere")
    client = Client()
    client.force_login(user)
    return client


def test_other_workspaces_get_404_everywhere(
    qbo: Any, connected: Any, workspace: Any, outsider: Client, admin_client: Client
) -> None:
    conn = connected()
    run = ImportRun.objects.create(workspace=workspace, connection=conn)
    base = f"/w/{workspace.pk}/integrations"
    for url in (
        f"{base}/",
        step_url(workspace, "mode"),
        step_url(workspace, "accounts"),
        f"{base}/quickbooks/imports/{run.pk}/",
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (
        f"{base}/quickbooks/connect/",
        f"{base}/quickbooks/disconnect/",
        f"{base}/quickbooks/reconnect/",
        step_url(workspace, "mode"),
        step_url(workspace, "import"),
    ):
        assert outsider.post(url, {"mode": "simple", "import": "1"}).status_code == 404, url
    assert QuickBooksConnection.objects.get().status == "connected" and ImportRun.objects.count() == 1
    # The outsider's own workspace sees nothing of it, and cannot read another workspace's import by id.
    own = Membership.objects.get(user__email="outsider@example.com").workspace
    assert "Solo Sandbox US" not in outsider.get(f"/w/{own.pk}/integrations/").content.decode()
    assert outsider.get(f"/w/{own.pk}/integrations/quickbooks/imports/{run.pk}/").status_code == 404


def test_members_see_the_connection_but_cannot_change_it(
    qbo: Any, connected: Any, workspace: Any, make_user: Any
) -> None:
    connected()
    member = make_user("member@example.com")
    Membership.objects.create(user=member, workspace=workspace, role="member")
    client = Client()
    client.force_login(member)
    tab = client.get(f"/w/{workspace.pk}/integrations/").content.decode()
    assert "Solo Sandbox US" in tab and "Reconfigure" not in tab
    for step in ("mode", "accounts", "import"):
        assert client.get(step_url(workspace, step)).status_code == 403
    assert client.post(step_url(workspace, "mode"), {"mode": "inventory"}).status_code == 403
    assert client.post(step_url(workspace, "import"), {"import": "1"}).status_code == 403
    assert QuickBooksConnection.objects.get().mode == "" and not ImportRun.objects.exists()


def connection_buttons(html: str) -> list[str]:
    """Every button about the connection, whatever its wording, so a stray one is caught too."""
    return [name for name in buttons(html) if "connect" in name.lower()]


def test_integrations_tab_shows_connect_to_quickbooks_until_connected_then_disconnect(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    tab = f"/w/{workspace.pk}/integrations/"
    html = admin_client.get(tab).content.decode()
    # Intuit's item 28: their "Connect to QuickBooks" button, by that name, and no way to disconnect yet.
    assert connection_buttons(html) == ["Connect to QuickBooks"]
    assert "QuickBooks Online" in html and 'alt="QuickBooks logo"' in html
    settings_page = admin_client.get(f"/w/{workspace.pk}/settings/").content.decode()
    assert f'href="/w/{workspace.pk}/integrations/"' in settings_page and ">Integrations<" in settings_page
    conn = connected()
    assert connection_buttons(admin_client.get(tab).content.decode()) == ["Disconnect"]
    # Broken at Intuit's side: Reconnect (on the card and in the banner), still no Connect or Disconnect.
    QuickBooksConnection.objects.filter(pk=conn.pk).update(status="needs_reconnect")
    assert set(connection_buttons(admin_client.get(tab).content.decode())) == {"Reconnect"}


def test_integration_pages_are_never_cached(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    connected()
    for url in (
        f"/w/{workspace.pk}/integrations/",
        step_url(workspace, "mode"),
        step_url(workspace, "accounts"),
    ):
        header = admin_client.get(url)["Cache-Control"]
        assert "no-store" in header and "no-cache" in header, url
