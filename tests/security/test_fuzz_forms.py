"""Bad input from users: random values in every form field never cause a server error, and a refused
form saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tanto.catalog.models import Product, TaxRate
from tanto.contacts.models import Customer, Supplier
from tanto.purchasing.models import PurchaseOrder
from tanto.sales.models import SalesOrder

pytestmark = pytest.mark.django_db

# Values that have broken form handling elsewhere: huge and odd numbers, dates, ids, markup, NULs.
nasty = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e400",
            "NaN",
            "Infinity",
            "9" * 40,
            "1.23456789",
            "2026-02-30",
            "00:00",
            "<script>",
            "' OR 1=1 --",
            "\x00",
            "１２",
            "-0",
            "1,000.5",
            "true",
            "[]",
        ]
    ),  # fmt: skip
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)

ORDER_FIELDS = ["number", "customer", "supplier", "created_date", "delivery_deadline", "expected_arrival",
                "currency", "conversion_rate", "shipping_fee", "shipping_tax_rate"]  # fmt: skip
ROW_FIELDS = ["variant", "quantity", "price", "discount_percent", "tax_rate", "DELETE", "id"]
FORMS: dict[str, list[str]] = {
    "sales:new": ORDER_FIELDS
    + [f"rows-0-{f}" for f in ROW_FIELDS]
    + [f"billing-{f}" for f in ("line1", "city")],
    "purchasing:new": ORDER_FIELDS + [f"rows-0-{f}" for f in ROW_FIELDS],
    "sales:totals": ORDER_FIELDS + [f"rows-0-{f}" for f in ROW_FIELDS],
    "contacts:customer_new": ["display_name", "first_name", "email", "phone", "currency", "billing-line1"],
    "contacts:supplier_new": ["name", "email", "phone", "currency", "address-country"],
    "catalog:product_new": [
        "name",
        "type",
        "category",
        "variants-0-sku",
        "variants-0-sales_price",
        "variants-0-purchase_price",
        "variants-0-name",
    ],  # fmt: skip
    "settings:tax_rate_new": ["name", "rate", "is_default_sales", "is_default_purchases"],
    "settings:general": ["name", "country", "base_currency"],
}
MANAGEMENT = {
    "rows-TOTAL_FORMS": st.sampled_from(["1", "0", "3", "-1", "x", "", "1", "3", "101"]),
    "rows-INITIAL_FORMS": st.sampled_from(["0", "1", "x"]),
    "variants-TOTAL_FORMS": st.sampled_from(["1", "0", "x", "99999"]),
    "variants-INITIAL_FORMS": st.sampled_from(["0", "2"]),
}


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (SalesOrder, PurchaseOrder, Customer, Supplier, Product, TaxRate))


@pytest.mark.parametrize("url_name", sorted(FORMS))
def test_random_form_input_never_breaks_the_server(admin_user, workspace, url_name):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    url = reverse(url_name, kwargs={"ws": workspace.pk})

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.fixed_dictionaries({}, optional={**{f: nasty for f in FORMS[url_name]}, **MANAGEMENT}))
    def post_random(data: dict[str, Any]) -> None:
        before = counts()
        response = client.post(url, data)
        assert response.status_code < 500, f"{url_name} answered {response.status_code} to {data!r}"
        if response.status_code == 200 and url_name != "sales:totals":
            assert counts() == before, "a refused form saved something"

    post_random()
