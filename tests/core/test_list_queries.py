"""The Sell and Buy screens use a constant number of SQL queries per page, however many orders exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tanto.core.seeding import bulk_orders

pytestmark = pytest.mark.django_db
MAX_QUERIES = 12


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("screen", ["sales:list", "purchasing:list"])
def test_a_page_of_orders_costs_the_same_queries_at_60_and_at_400_orders(admin_client, workspace, screen):
    url = reverse(screen, kwargs={"ws": workspace.pk})
    bulk_orders(workspace, 120)  # 120 sales orders, 60 purchase orders
    small, _ = queries_for(admin_client, url + "?sort=-total")
    bulk_orders(workspace, 680, seed=8)  # 800 sales orders, 400 purchase orders
    large, response = queries_for(admin_client, url + "?sort=-total")
    assert small == large <= MAX_QUERIES
    assert response.content.decode().count('name="selected"') == 50


def test_search_and_status_filter(admin_client, workspace):
    bulk_orders(workspace, 60)
    from tanto.sales.fulfilment import deliver_everything
    from tanto.sales.models import DeliveryStatus, SalesOrder

    order = SalesOrder.objects.filter(workspace=workspace).order_by("number").first()
    deliver_everything(order, order.created_date)
    url = reverse("sales:list", kwargs={"ws": workspace.pk})
    html = admin_client.get(url, {"status": DeliveryStatus.DELIVERED}).content.decode()
    assert html.count('name="selected"') == 1 and order.number in html
    html = admin_client.get(url, {"q": order.customer.display_name}).content.decode()
    assert order.number in html
    html = admin_client.get(url, {"q": "no-such-order"}).content.decode()
    assert "No orders match these filters." in html
