"""Help and support (docs/security.md, item 36): a public page with the installation's support contact and
what to tell support, linked from every page's footer and from failed pushes; a deploy warning when no
contact is configured."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import checks
from django.test import Client
from django.urls import reverse

from tanto.integrations import outbox
from tests.objects import sales_order_for
from tests.screens import controls, links

pytestmark = pytest.mark.django_db

SUPPORT = "/support/"
ASK_ADMIN = "Ask the administrator of your Tanto installation."


def footer_links(html: str) -> list[tuple[str, str]]:
    return [(c.name, c.href) for c in controls(html) if c.role == "link" and c.in_footer]


def test_the_support_page_answers_signed_out_and_signed_in(admin_client: Client, workspace: Any) -> None:
    assert reverse("support") == SUPPORT
    for client in (Client(), admin_client):
        response = client.get(SUPPORT)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>Help and support</h1>" in html
        # What support needs to find the problem.
        for needed in ("name of your workspace", "order number", "intuit_tid", "Sync log", "date and time"):
            assert needed in html, needed


def test_the_support_page_links_the_configured_email_and_website(settings: Any, client: Client) -> None:
    settings.SUPPORT_EMAIL = "help@tanto.example.com"
    settings.SUPPORT_URL = "https://tanto.example.com/help"
    html = client.get(SUPPORT).content.decode()
    [email] = links(html, "help@tanto.example.com")
    assert email.href == "mailto:help@tanto.example.com"
    [website] = links(html, "Go to the support website")
    assert website.href == "https://tanto.example.com/help"
    assert ASK_ADMIN not in html


def test_either_contact_alone_is_shown_without_the_other(settings: Any, client: Client) -> None:
    settings.SUPPORT_EMAIL, settings.SUPPORT_URL = "help@tanto.example.com", ""
    html = client.get(SUPPORT).content.decode()
    assert links(html, "help@tanto.example.com") and not links(html, "Go to the support website")
    settings.SUPPORT_EMAIL, settings.SUPPORT_URL = "", "https://tanto.example.com/help"
    html = client.get(SUPPORT).content.decode()
    assert links(html, "Go to the support website") and "mailto:" not in html


def test_without_a_contact_the_page_says_to_ask_the_administrator(settings: Any, client: Client) -> None:
    settings.SUPPORT_EMAIL = settings.SUPPORT_URL = ""
    html = client.get(SUPPORT).content.decode()
    assert ASK_ADMIN in html
    assert "mailto:" not in html and not links(html, "Go to the support website")


def test_a_support_url_that_is_not_a_web_address_is_left_out(settings: Any, client: Client) -> None:
    settings.SUPPORT_EMAIL, settings.SUPPORT_URL = "", "tanto.example.com/help"
    html = client.get(SUPPORT).content.decode()
    assert "tanto.example.com/help" not in html and ASK_ADMIN in html


def test_the_support_page_refuses_to_change_anything(client: Client) -> None:
    assert client.post(SUPPORT).status_code == 405


def test_every_page_links_to_help_and_support_in_its_footer(admin_client: Client, workspace: Any) -> None:
    pages = {
        "login": Client().get(reverse("accounts:login")),
        "sell": admin_client.get(reverse("sales:list", kwargs={"ws": workspace.pk})),
        "integrations": admin_client.get(f"/w/{workspace.pk}/integrations/"),
        "support": admin_client.get(SUPPORT),
    }
    for page, response in pages.items():
        assert response.status_code == 200, page
        assert ("Help and support", SUPPORT) in footer_links(response.content.decode()), page


def test_a_failed_push_offers_help_and_support(admin_client: Client, workspace: Any) -> None:
    order = sales_order_for(workspace, "SO-0042", rows=0)
    [record] = outbox.request_push(
        workspace=workspace, provider="quickbooks", connection_id=1, kind="invoice", objects=[order]
    )
    sync_log = f"/w/{workspace.pk}/integrations/quickbooks/sync-log/"

    def help_links_outside_the_footer() -> list[Any]:
        html = admin_client.get(sync_log).content.decode()
        return [link for link in links(html, "Help and support") if not link.in_footer]

    assert help_links_outside_the_footer() == []  # only a failure asks for it
    outbox.SyncRecord.objects.filter(pk=record.pk).update(
        state="failed", error_message="The customer is inactive.", error_hint="Make it active in QuickBooks."
    )
    [stuck] = help_links_outside_the_footer()
    assert stuck.href == SUPPORT
    assert "Still stuck?" in admin_client.get(sync_log).content.decode()


# -- the deploy check --


def deploy_warnings() -> list[str]:
    found = checks.run_checks(include_deployment_checks=True)
    return [m.id for m in found if m.id and m.id.startswith("tanto.W")]


def test_the_deploy_check_warns_only_when_no_support_contact_is_set(settings: Any) -> None:
    settings.SUPPORT_EMAIL = settings.SUPPORT_URL = ""
    [warning] = [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "tanto.W010"]
    assert warning.level == checks.WARNING and "TANTO_SUPPORT_EMAIL or TANTO_SUPPORT_URL" in warning.msg
    settings.SUPPORT_EMAIL = "help@tanto.example.com"
    assert deploy_warnings() == []
    settings.SUPPORT_EMAIL, settings.SUPPORT_URL = "", "https://tanto.example.com/help"
    assert deploy_warnings() == []


def test_the_deploy_check_names_a_support_url_that_is_not_a_web_address(settings: Any) -> None:
    settings.SUPPORT_EMAIL, settings.SUPPORT_URL = "help@tanto.example.com", "tanto.example.com/help"
    assert deploy_warnings() == ["tanto.W011"]
