"""A manufacturer's day in a real Chromium: customer, sales order, delivery, purchase order, receipt."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tanto.catalog.models import Variant
from tanto.contacts.models import Customer, Supplier
from tanto.sales.models import SalesOrder
from tests.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"


def test_sell_and_buy_end_to_end(page, live_server, make_user, make_workspace):
    admin = make_user("maker@example.com")
    workspace = make_workspace(admin, name="Birch & Bolt")
    table = Variant.objects.get(workspace=workspace, sku="TAB-011")  # Oak dining table, Small: 420.00
    chair = Variant.objects.get(workspace=workspace, sku="CHA-031")  # Ash dining chair, Natural: 95.00
    board = Variant.objects.get(workspace=workspace, sku="TIM-061")  # Oak board 2m: 24.50
    base = live_server.url
    log_in(page, base, admin.email, PASSWORD)

    # A new customer.
    page.get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Display name").fill("Fern & Forge Interiors")
    page.get_by_label("Email").fill("buying@fernforge.example")
    page.get_by_role("group", name="Billing address").get_by_label("Address line 1").fill("12 Canal Street")
    page.get_by_role("group", name="Billing address").get_by_label("City").fill("Leeds")
    page.get_by_role("button", name="Save customer").click()
    expect(page.get_by_role("cell", name="Fern & Forge Interiors")).to_be_visible()

    # A sales order with two rows, one discounted; the totals update while typing.
    page.get_by_role("link", name="Sell").click()
    page.get_by_role("link", name="New sales order").click()
    # The form is filled only once its page has loaded and htmx has shown its first totals.
    expect(page.get_by_role("heading", name="New sales order")).to_be_visible()
    expect(page.locator("[data-total=total]")).to_have_text("0.00 GBP")
    page.get_by_label("Customer", exact=True).select_option(label="Fern & Forge Interiors")
    page.get_by_label("Item", exact=True).nth(0).select_option(label=table.label)
    page.get_by_label("Quantity", exact=True).nth(0).fill("2")
    page.get_by_label("Price per unit", exact=True).nth(0).fill("420")
    page.get_by_label("Tax rate", exact=True).nth(0).select_option(label="Standard VAT (20%)")
    page.get_by_label("Item", exact=True).nth(1).select_option(label=chair.label)
    page.get_by_label("Quantity", exact=True).nth(1).fill("6")
    page.get_by_label("Price per unit", exact=True).nth(1).fill("95")
    page.get_by_label("Discount %", exact=True).nth(1).fill("10")
    page.get_by_label("Tax rate", exact=True).nth(1).select_option(label="Standard VAT (20%)")
    # 840.00 + 513.00 = 1353.00; VAT 168.00 + 102.60 = 270.60; total 1623.60
    expect(page.locator("[data-total=total]")).to_have_text("1623.60 GBP")
    page.get_by_role("button", name="Save order").click()
    expect(page.get_by_role("heading", name=re.compile(r"Sales order SO-\d+"))).to_be_visible()
    order = SalesOrder.objects.get(workspace=workspace, customer__display_name="Fern & Forge Interiors")
    assert order.total == Decimal("1623.60") and order.billing_address.line1 == "12 Canal Street"

    page.get_by_role("link", name="Sell").click()
    row = page.get_by_role("row").filter(has_text=order.number)
    expect(row).to_contain_text("1623.60 GBP")
    expect(row).to_contain_text("Not shipped")

    # Deliver it.
    row.get_by_role("link", name=order.number).click()
    page.get_by_role("button", name="Deliver all").click()
    expect(page.get_by_role("definition").filter(has_text="Delivered")).to_be_visible()

    # A purchase order for 10 boards at 30.00; receive half; stock and average cost follow.
    page.get_by_role("link", name="Buy").click()
    page.get_by_role("link", name="New purchase order").click()
    page.get_by_label("Supplier", exact=True).select_option(index=1)
    page.get_by_label("Item", exact=True).nth(0).select_option(label=board.label)
    page.get_by_label("Quantity", exact=True).nth(0).fill("10")
    page.get_by_label("Price per unit", exact=True).nth(0).fill("30")
    page.get_by_role("button", name="Save order").click()
    page.get_by_label(f"Receive quantity of {board.sku}").fill("5")
    page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.get_by_role("definition").filter(has_text="Partially received")).to_be_visible()

    page.get_by_role("link", name="Items").click()
    board_row = page.get_by_role("row").filter(has_text=board.sku)
    expect(board_row.get_by_role("cell").nth(7)).to_have_text("5")
    expect(board_row.get_by_role("cell").nth(8)).to_have_text("30")
    # The tables sold above left stock negative (none had been bought), and the screen says so.
    expect(page.get_by_role("row").filter(has_text=table.sku)).to_contain_text("Negative stock")

    # Someone from another workspace sees none of it.
    page.get_by_role("button", name="Log out").click()
    outsider = make_user("outsider@example.com")
    make_workspace(outsider, name="Elsewhere")
    log_in(page, base, outsider.email, PASSWORD)
    for path in (
        f"/w/{workspace.pk}/sell/",
        f"/w/{workspace.pk}/sell/{order.pk}/",
        f"/w/{workspace.pk}/items/",
    ):
        response = page.goto(base + path)
        assert response is not None and response.status == 404
    page.goto(base + "/")
    expect(page.get_by_text("Fern & Forge Interiors")).to_have_count(0)
    assert Customer.objects.filter(display_name="Fern & Forge Interiors").count() == 1
    assert Supplier.objects.filter(workspace=workspace).count() == 2
