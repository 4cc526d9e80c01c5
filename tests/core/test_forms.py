"""Bad input gets a message next to the field and saves nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tanto.catalog.models import Product, TaxRate, Variant
from tanto.contacts.models import Customer
from tanto.sales.models import SalesOrder

pytestmark = pytest.mark.django_db


def order_post(workspace: Any, **overrides: Any) -> dict[str, Any]:
    customer = Customer.objects.filter(workspace=workspace).first()
    variant = Variant.objects.filter(workspace=workspace, product__type="product").first()
    rate = TaxRate.objects.filter(workspace=workspace).first()
    data = {
        "number": "SO-0100",
        "customer": customer.pk,
        "created_date": "2026-11-20",
        "delivery_deadline": "",
        "currency": "GBP",
        "conversion_rate": "1",
        "shipping_fee": "",
        "shipping_tax_rate": "",
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
        "rows-0-variant": variant.pk,
        "rows-0-quantity": "2",
        "rows-0-price": "10.50",
        "rows-0-discount_percent": "0",
        "rows-0-tax_rate": rate.pk,
    }
    for key in [*("billing", "shipping")]:
        for field in ("line1", "line2", "city", "region", "postal_code", "country"):
            data[f"{key}-{field}"] = ""
    data.update(overrides)
    return data


def post_order(client: Any, workspace: Any, **overrides: Any) -> Any:
    return client.post(reverse("sales:new", kwargs={"ws": workspace.pk}), order_post(workspace, **overrides))


def test_a_valid_order_is_saved_with_totals_and_the_customers_addresses(admin_client, workspace):
    response = post_order(admin_client, workspace)
    assert response.status_code == 302
    order = SalesOrder.objects.get(workspace=workspace, number="SO-0100")
    rate = TaxRate.objects.filter(workspace=workspace).first().rate
    assert order.subtotal == Decimal("21.00")
    assert order.tax_total == (Decimal("21.00") * rate / 100).quantize(Decimal("0.01"))
    assert order.billing_address.line1 == order.customer.billing_address.line1 != ""
    assert order.billing_address.pk != order.customer.billing_address.pk  # a copy, not the same row


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rows-0-quantity": "0"}, "rows-0-quantity", "greater than zero"),
        ({"rows-0-quantity": "-3"}, "rows-0-quantity", "greater than zero"),
        ({"rows-0-price": "1.23456"}, "rows-0-price", "4 decimal places"),
        ({"customer": ""}, "customer", "Choose a customer"),
        ({"currency": "XYZ"}, "currency", "valid choice"),
        ({"rows-0-discount_percent": "150"}, "rows-0-discount_percent", "less than or equal to 100"),
        ({"conversion_rate": "0", "currency": "EUR"}, "conversion_rate", "greater than zero"),
    ],
)
def test_bad_order_input_is_refused_next_to_the_field(admin_client, workspace, overrides, field, message):
    response = post_order(admin_client, workspace, **overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html, f"no error next to {field}"
    assert message in html
    assert not SalesOrder.objects.filter(workspace=workspace).exists()


def test_a_duplicate_order_number_is_refused(admin_client, workspace):
    assert post_order(admin_client, workspace).status_code == 302
    response = post_order(admin_client, workspace, **{"number": "so-0100"})
    assert response.status_code == 200
    assert "Another order already has this number." in response.content.decode()
    assert SalesOrder.objects.filter(workspace=workspace).count() == 1


def test_an_order_needs_a_row(admin_client, workspace):
    # An untouched blank row posts back its initial values: no item, the default tax rate, 0% discount.
    default_rate = TaxRate.objects.get(workspace=workspace, is_default_sales=True)
    response = post_order(
        admin_client,
        workspace,
        **{
            "rows-0-variant": "",
            "rows-0-quantity": "",
            "rows-0-price": "",
            "rows-0-tax_rate": default_rate.pk,
        },
    )
    assert "Add at least one row." in response.content.decode()
    assert not SalesOrder.objects.exists()


def test_another_workspaces_customer_is_not_a_valid_choice(
    admin_client, workspace, make_user, make_workspace
):
    other = make_workspace(make_user("other@example.com"), name="Other")
    foreign = Customer.objects.filter(workspace=other).first()
    response = post_order(admin_client, workspace, customer=foreign.pk)
    assert 'id="id_customer_error"' in response.content.decode()
    assert not SalesOrder.objects.exists()


def product_post(sku: str, name: str = "Stool", price: str = "10") -> dict[str, str]:
    return {
        "name": name,
        "type": "product",
        "category": "Chairs",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-sku": sku,
        "variants-0-name": "",
        "variants-0-sales_price": price,
        "variants-0-purchase_price": "4",
    }


def test_a_duplicate_sku_is_refused(admin_client, workspace):
    existing = Variant.objects.filter(workspace=workspace).first().sku
    before = Product.objects.filter(workspace=workspace).count()
    response = admin_client.post(
        reverse("catalog:product_new", kwargs={"ws": workspace.pk}), product_post(existing.lower())
    )
    assert response.status_code == 200
    assert 'id="id_variants-0-sku_error"' in response.content.decode()
    assert "Another item already uses this SKU." in response.content.decode()
    assert Product.objects.filter(workspace=workspace).count() == before


def test_the_same_sku_in_another_workspace_is_fine(admin_client, workspace, make_user, make_workspace):
    other = make_workspace(make_user("other@example.com"), name="Other")
    sku = Variant.objects.filter(workspace=other).first().sku
    Variant.objects.filter(workspace=workspace, sku=sku).delete()
    response = admin_client.post(
        reverse("catalog:product_new", kwargs={"ws": workspace.pk}), product_post(sku)
    )
    assert response.status_code == 302


def test_a_customer_with_orders_cannot_be_deleted_and_says_why(admin_client, workspace):
    post_order(admin_client, workspace)
    customer = SalesOrder.objects.get().customer
    response = admin_client.post(
        reverse("contacts:customer_delete", kwargs={"ws": workspace.pk, "pk": customer.pk}), follow=True
    )
    assert "cannot be deleted: 1 sales order(s) use this customer" in response.content.decode()
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_a_customer_without_orders_can_be_deleted(admin_client, workspace):
    customer = Customer.objects.filter(workspace=workspace).first()
    admin_client.post(reverse("contacts:customer_delete", kwargs={"ws": workspace.pk, "pk": customer.pk}))
    assert not Customer.objects.filter(pk=customer.pk).exists()


def test_live_totals_are_computed_by_the_server(admin_client, workspace):
    data = order_post(
        workspace, **{"rows-0-quantity": "3", "rows-0-price": "19.99", "rows-0-discount_percent": "10"}
    )
    data["rows-0-tax_rate"] = TaxRate.objects.get(workspace=workspace, rate=20).pk
    response = admin_client.post(reverse("sales:totals", kwargs={"ws": workspace.pk}), data)
    html = response.content.decode()
    # 3 x 19.99 = 59.97, -10% = 53.973 -> 53.97; 20% = 10.794 -> 10.79; total 64.76
    assert "53.97 GBP" in html and "10.79 GBP" in html and "64.76 GBP" in html


def test_live_totals_survive_garbage(admin_client, workspace):
    data = order_post(
        workspace, **{"rows-0-quantity": "1e400", "rows-0-price": "NaN", "rows-TOTAL_FORMS": "x"}
    )
    response = admin_client.post(reverse("sales:totals", kwargs={"ws": workspace.pk}), data)
    assert response.status_code == 200
