"""The Sell screen: sales orders, their rows, addresses and deliveries."""

from __future__ import annotations

from typing import Any

from tanto.accounts.access import WorkspaceRequest
from tanto.contacts.models import Address
from tanto.core import order_views
from tanto.core.forms import AddressForm
from tanto.sales.forms import SalesOrderForm, SalesRowsFormSet
from tanto.sales.fulfilment import deliver
from tanto.sales.models import DeliveryStatus, SalesOrder


def address_forms(request: WorkspaceRequest, order: SalesOrder | None) -> dict[str, Any]:
    data = request.POST or None
    return {
        "billing": AddressForm(
            data, prefix="billing", initial=AddressForm.initial_from(order and order.billing_address)
        ),
        "shipping": AddressForm(
            data, prefix="shipping", initial=AddressForm.initial_from(order and order.shipping_address)
        ),
    }


def save_addresses(order: SalesOrder, forms: dict[str, Any]) -> None:
    """The order keeps its own copy of each address: typed on the order, or else the customer's."""
    for kind in ("billing", "shipping"):
        form: AddressForm = forms[kind]
        current = getattr(order, f"{kind}_address", None) if order.pk else None
        if form.is_blank() and current is None:
            source = getattr(order.customer, f"{kind}_address")
            setattr(order, f"{kind}_address", source.copy())
        else:
            setattr(order, f"{kind}_address", form.save_to(current or Address()))


SELL = order_views.OrderScreen(
    title="Sell",
    model=SalesOrder,
    form_class=SalesOrderForm,
    rows_formset=SalesRowsFormSet,
    namespace="sales",
    contact_field="customer",
    contact_name_field="customer__display_name",
    second_date_field="delivery_deadline",
    second_date_label="Delivery deadline",
    status_field="delivery_status",
    status_choices=DeliveryStatus.choices,
    move=deliver,
    move_verb="deliver",
    has_discount=True,
    extra_forms=address_forms,
    save_extra=save_addresses,
)
