"""The Buy screen: purchase orders, their rows and receipts."""

from __future__ import annotations

from tanto.core import order_views
from tanto.purchasing.forms import PurchaseOrderForm, PurchaseRowsFormSet
from tanto.purchasing.models import PurchaseOrder, ReceiveStatus
from tanto.purchasing.receiving import receive

BUY = order_views.OrderScreen(
    title="Buy",
    model=PurchaseOrder,
    form_class=PurchaseOrderForm,
    rows_formset=PurchaseRowsFormSet,
    namespace="purchasing",
    contact_field="supplier",
    contact_name_field="supplier__name",
    second_date_field="expected_arrival",
    second_date_label="Expected arrival",
    status_field="receive_status",
    status_choices=ReceiveStatus.choices,
    move=receive,
    move_verb="receive",
    has_discount=False,
)
