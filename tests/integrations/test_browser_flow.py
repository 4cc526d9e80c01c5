"""The seed flow in Chromium, against the emulator over HTTP: Settings → Integrations → Connect → Intuit →
the wizard → Done; then Reconfigure, a second import, Needs reconnect and Reconnect."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tanto.contacts.models import Customer, Supplier
from tanto.integrations.quickbooks.models import (
    ContactLink,
    ImportRun,
    QuickBooksConnection,
    Status,
    TaxMapping,
)
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.emulator]


@pytest.fixture
def signed_in(
    transactional_db: None, qbo_live: Any, live_server: Any, page: Page, admin_user: Any, workspace: Any
) -> Page:
    log_in(page, live_server.url, "admin@example.com", "pw-for-tests")
    page.goto(f"{live_server.url}/w/{workspace.pk}/settings/")
    page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", name="QuickBooks Online")).to_be_visible()
    return page


def intuit_sign_in(page: Page, email: str, company: str | None = None) -> None:
    page.get_by_role("button", name="Connect to QuickBooks", exact=True).click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("sandbox")
    page.get_by_role("button", name="Sign in").click()
    if company:
        page.get_by_label(company).check()
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Connect").click()


def choose_simple_mode(page: Page) -> None:
    expect(page.get_by_role("heading", name="Accounting mode")).to_be_visible()
    continue_button = page.get_by_role("button", name="Continue")
    expect(continue_button).to_be_disabled()
    page.get_by_label("Simple Accounting").check()
    expect(continue_button).to_be_enabled()
    continue_button.click()


def map_accounts(page: Page) -> None:
    expect(page.get_by_role("heading", name="Ledger account mapping")).to_be_visible()
    continue_button = page.get_by_role("button", name="Continue")
    expect(continue_button).to_be_disabled()
    page.get_by_label("Sales orders").check()
    expect(continue_button).to_be_disabled()
    page.get_by_label("Account for sales").select_option(label="Sales of Product Income")
    expect(continue_button).to_be_enabled()
    page.get_by_label("Purchase orders").check()
    expect(continue_button).to_be_disabled()
    page.get_by_label("Account for purchases").select_option(label="Cost of Goods Sold")
    expect(continue_button).to_be_enabled()
    continue_button.click()


def test_owner_connects_the_uk_company(signed_in: Page, qbo_live: Any, workspace: Any) -> None:
    page = signed_in
    intuit_sign_in(page, "owner@example.com", company="Sandbox Company UK")
    expect(page.get_by_text("Connected to QuickBooks company Sandbox Company UK")).to_be_visible()
    choose_simple_mode(page)
    map_accounts(page)

    expect(page.get_by_role("heading", name="Tax types mapping")).to_be_visible()
    expect(page.get_by_label("Standard VAT (20%)")).to_have_value("2")  # pre-selected by rate: 20.0% S
    done = page.get_by_role("button", name="Done")
    expect(done).to_be_enabled()
    page.get_by_label("New tax rate name").fill("Import VAT")
    page.get_by_label("New tax rate %").fill("17.5")
    page.get_by_role("button", name="Create tax rate").click()
    expect(page.get_by_text("Tax rate Import VAT (17.5%) created")).to_be_visible()
    expect(done).to_be_disabled()
    page.get_by_label("Import VAT (17.5%)").select_option(label="20.0% S (sales 20%, purchases 20%)")
    expect(done).to_be_enabled()
    done.click()

    expect(page.get_by_role("heading", name="Data import")).to_be_visible()
    page.get_by_role("button", name="Import customers and suppliers").click()
    expect(page.get_by_text("Created", exact=True)).to_be_visible()
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("The integration is now active!")).to_be_visible()
    expect(page.get_by_role("button", name="Disconnect")).to_be_visible()
    expect(page.get_by_role("button", name="Connect to QuickBooks", exact=True)).to_have_count(0)
    expect(page.get_by_text("Sandbox Company UK", exact=True)).to_be_visible()
    expect(page.get_by_text("Simple Accounting")).to_be_visible()

    conn = QuickBooksConnection.objects.get(workspace=workspace)
    assert (conn.realm_id, conn.country, conn.status) == (qbo_live.realm_uk, "GB", Status.CONNECTED)
    assert (
        conn.sales_account_name == "Sales of Product Income"
        and conn.purchase_account_name == "Cost of Goods Sold"
    )
    assert (
        TaxMapping.objects.filter(connection=conn, tax_rate__name="Import VAT").get().tax_code_name
        == "20.0% S"
    )
    active = [
        r for r in qbo_live.control("GET", f"realms/{qbo_live.realm_uk}/entities/Customer") if r["Active"]
    ]
    links = ContactLink.objects.filter(connection=conn, kind="customer")
    assert links.count() == len(active)
    linked = links.select_related("customer__billing_address").first()
    assert linked is not None and linked.customer is not None and linked.customer.billing_address.line1
    counts = Customer.objects.count(), Supplier.objects.count()

    # Reconfigure reopens every step prefilled; importing again never duplicates.
    page.get_by_role("link", name="Reconfigure").click()
    expect(page.get_by_label("Simple Accounting")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Account for sales")).to_have_value(conn.sales_account_id)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Done").click()
    page.get_by_role("button", name="Import again").click()
    expect(page.get_by_text("Already imported", exact=True)).to_be_visible()
    page.get_by_role("button", name="Done").click()
    assert (Customer.objects.count(), Supplier.objects.count()) == counts
    assert ImportRun.objects.first().created == 0  # type: ignore[union-attr]


def test_solo_connects_a_us_company_without_chooser_or_tax_step(
    signed_in: Page, qbo_live: Any, workspace: Any, settings: Any
) -> None:
    from tanto.integrations.quickbooks.tasks import import_contacts

    # The database backend, as in production: the test plays the worker while the page polls.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = signed_in
    intuit_sign_in(page, "solo@example.com")
    choose_simple_mode(page)
    map_accounts(page)
    expect(page.get_by_role("heading", name="Data import")).to_be_visible()
    expect(page.get_by_text("Step 3 of 3")).to_be_visible()
    page.get_by_role("button", name="Import customers and suppliers").click()
    expect(page.get_by_role("status").filter(has_text="Queued")).to_be_visible()
    run = ImportRun.objects.get()
    import_contacts.call(run.pk)  # what `tanto worker` runs
    expect(
        page.get_by_text("Linked by email", exact=True)
    ).to_be_visible()  # the progress bar polled its way here
    expect(page.get_by_label("Import progress")).to_have_attribute("value", "100")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_text("The integration is now active!")).to_be_visible()
    conn = QuickBooksConnection.objects.get(workspace=workspace)
    assert conn.realm_id == qbo_live.realm_solo and conn.is_us and not TaxMapping.objects.exists()
    assert ContactLink.objects.filter(connection=conn).count() == ImportRun.objects.get().created


def test_needs_reconnect_banner_and_reconnect(
    signed_in: Page, qbo_live: Any, workspace: Any, live_server: Any
) -> None:
    page = signed_in
    intuit_sign_in(page, "solo@example.com")
    choose_simple_mode(page)
    map_accounts(page)
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_text("The integration is now active!")).to_be_visible()
    QuickBooksConnection.objects.filter(workspace=workspace).update(status=Status.NEEDS_RECONNECT)
    page.goto(f"{live_server.url}/w/{workspace.pk}/contacts/")
    banner = page.get_by_role("alert").filter(has_text="Needs reconnect")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Reconnect").click()
    page.get_by_role("button", name="Connect").click()  # still signed in at Intuit: straight to consent
    expect(page.get_by_text("Reconnected to QuickBooks company Solo Sandbox US")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Needs reconnect")).to_have_count(0)
    assert QuickBooksConnection.objects.get(workspace=workspace).status == Status.CONNECTED


def test_cancel_at_consent_in_the_browser(signed_in: Page, workspace: Any) -> None:
    page = signed_in
    page.get_by_role("button", name="Connect to QuickBooks", exact=True).click()
    page.get_by_label("Email").fill("solo@example.com")
    page.get_by_label("Password").fill("sandbox")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("QuickBooks connection was cancelled")).to_be_visible()
    expect(page.get_by_role("button", name="Connect to QuickBooks", exact=True)).to_be_visible()
    assert not QuickBooksConnection.objects.exists()


def test_connect_to_quickbooks_is_drawn_to_intuits_guideline(signed_in: Page) -> None:
    page = signed_in
    button = page.get_by_role("button", name="Connect to QuickBooks", exact=True)
    expect(button).to_be_visible()
    # QuickBooks green with white text at Intuit's "tall" height; darker green on hover.
    expect(button).to_have_css("background-color", "rgb(44, 160, 28)")
    expect(button).to_have_css("color", "rgb(255, 255, 255)")
    expect(button).to_have_css("height", "36px")
    button.hover()
    expect(button).to_have_css("background-color", "rgb(16, 128, 0)")
    # The mark sits left of the words and is hidden from screen readers, which read the words alone.
    mark = button.locator("svg")
    expect(mark).to_have_attribute("aria-hidden", "true")
    mark_box, button_box = mark.bounding_box(), button.bounding_box()
    assert mark_box and button_box and mark_box["x"] - button_box["x"] < 12
    expect(page.get_by_role("button", name="Disconnect")).to_have_count(0)
