"""Help and support in a real Chromium: the footer link on the sign-in page and inside a workspace."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_footer_leads_to_help_and_support_signed_out_and_in(page, live_server, make_user, make_workspace):
    admin = make_user("maker@example.com")
    make_workspace(admin, name="Birch & Bolt")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("contentinfo").get_by_role("link", name="Help and support").click()
    expect(page.get_by_role("heading", name="Help and support", level=1)).to_be_visible()
    expect(page.get_by_text("Ask the administrator of your Tanto installation.")).to_be_visible()

    log_in(page, live_server.url, admin.email, "pw-for-tests")
    page.get_by_role("link", name="Contacts").click()
    page.get_by_role("contentinfo").get_by_role("link", name="Help and support").click()
    expect(page.get_by_role("heading", name="Help and support", level=1)).to_be_visible()
