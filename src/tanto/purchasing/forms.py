from __future__ import annotations

from django.forms import inlineformset_factory

from tanto.contacts.models import Supplier
from tanto.core.forms import finite_decimals
from tanto.core.order_forms import MAX_ROWS, OrderHeaderForm, OrderRowForm, OrderRowFormSet
from tanto.purchasing.models import PurchaseOrder, PurchaseOrderRow


class PurchaseOrderForm(OrderHeaderForm):
    contact_field = "supplier"
    contact_queryset_model = Supplier

    class Meta:
        model = PurchaseOrder
        fields = ["number", "supplier", "created_date", "expected_arrival", "currency", "conversion_rate"]
        labels = {
            "number": "Order number",
            "created_date": "Created date",
            "expected_arrival": "Expected arrival",
            "conversion_rate": "Conversion rate",
        }


class PurchaseOrderRowForm(OrderRowForm):
    price_field = "purchase_price"

    class Meta:
        model = PurchaseOrderRow
        fields = ["variant", "quantity", "price", "tax_rate"]
        labels = {"variant": "Item", "tax_rate": "Tax rate"}


class PurchaseOrderRowFormSet(OrderRowFormSet):
    done_field = "received_quantity"
    default_tax_flag = "is_default_purchases"


PurchaseRowsFormSet = inlineformset_factory(
    PurchaseOrder,
    PurchaseOrderRow,
    form=PurchaseOrderRowForm,
    formfield_callback=finite_decimals,  # rows are compared before they are cleaned
    formset=PurchaseOrderRowFormSet,
    extra=3,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)
