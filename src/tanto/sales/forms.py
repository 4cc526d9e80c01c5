from __future__ import annotations

from django.forms import inlineformset_factory

from tanto.contacts.models import Customer
from tanto.core.forms import finite_decimals
from tanto.core.order_forms import MAX_ROWS, OrderHeaderForm, OrderRowForm, OrderRowFormSet
from tanto.sales.models import SalesOrder, SalesOrderRow


class SalesOrderForm(OrderHeaderForm):
    contact_field = "customer"
    contact_queryset_model = Customer

    class Meta:
        model = SalesOrder
        fields = [
            "number",
            "customer",
            "created_date",
            "delivery_deadline",
            "currency",
            "conversion_rate",
            "shipping_fee",
            "shipping_tax_rate",
        ]
        labels = {
            "number": "Order number",
            "created_date": "Created date",
            "delivery_deadline": "Delivery deadline",
            "conversion_rate": "Conversion rate",
            "shipping_fee": "Shipping fee",
            "shipping_tax_rate": "Shipping tax rate",
        }


class SalesOrderRowForm(OrderRowForm):
    price_field = "sales_price"

    class Meta:
        model = SalesOrderRow
        fields = ["variant", "quantity", "price", "discount_percent", "tax_rate"]
        labels = {"variant": "Item", "tax_rate": "Tax rate"}


class SalesOrderRowFormSet(OrderRowFormSet):
    done_field = "delivered_quantity"
    default_tax_flag = "is_default_sales"


SalesRowsFormSet = inlineformset_factory(
    SalesOrder,
    SalesOrderRow,
    form=SalesOrderRowForm,
    formfield_callback=finite_decimals,  # rows are compared before they are cleaned
    formset=SalesOrderRowFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
