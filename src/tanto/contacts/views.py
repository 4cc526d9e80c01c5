"""Contacts: customers and suppliers, each with a searchable list, a form and a guarded delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tanto.accounts.access import WorkspaceRequest, get_for_workspace, workspace_view
from tanto.contacts.forms import CustomerForm, SupplierForm
from tanto.contacts.models import Address, Customer, Supplier
from tanto.core.forms import AddressForm

PAGE_SIZE = 50


@workspace_view()
def customer_list(request: WorkspaceRequest) -> HttpResponse:
    customers = Customer.objects.filter(workspace=request.workspace)
    query = request.GET.get("q", "").strip()
    if query:
        customers = customers.filter(
            Q(display_name__icontains=query) | Q(email__icontains=query) | Q(company__icontains=query)
        )
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contacts/customer_list.html", {"page": page, "query": query, "tab": "customers"})


@workspace_view()
def supplier_list(request: WorkspaceRequest) -> HttpResponse:
    suppliers = Supplier.objects.filter(workspace=request.workspace)
    query = request.GET.get("q", "").strip()
    if query:
        suppliers = suppliers.filter(Q(name__icontains=query) | Q(email__icontains=query))
    page = Paginator(suppliers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "contacts/supplier_list.html", {"page": page, "query": query, "tab": "suppliers"})


@workspace_view()
def customer_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    customer = get_for_workspace(request, Customer, pk=pk) if pk else None
    form = CustomerForm(request.POST or None, instance=customer, workspace=request.workspace)
    billing = AddressForm(
        request.POST or None,
        prefix="billing",
        initial=AddressForm.initial_from(customer and customer.billing_address),
    )
    shipping = AddressForm(
        request.POST or None,
        prefix="shipping",
        initial=AddressForm.initial_from(customer and customer.shipping_address),
    )
    if request.method == "POST" and all([form.is_valid(), billing.is_valid(), shipping.is_valid()]):
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.workspace = request.workspace
            saved.billing_address = billing.save_to(customer.billing_address if customer else Address())
            saved.shipping_address = shipping.save_to(customer.shipping_address if customer else Address())
            saved.save()
        messages.success(request, f"Customer {saved.display_name} saved.")
        return redirect("contacts:customers", ws=request.workspace.pk)
    context: dict[str, Any] = {
        "form": form,
        "billing": billing,
        "shipping": shipping,
        "customer": customer,
        "tab": "customers",
    }
    return render(request, "contacts/customer_form.html", context)


@workspace_view()
def supplier_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    supplier = get_for_workspace(request, Supplier, pk=pk) if pk else None
    form = SupplierForm(request.POST or None, instance=supplier, workspace=request.workspace)
    address = AddressForm(
        request.POST or None,
        prefix="address",
        initial=AddressForm.initial_from(supplier and supplier.address),
    )
    if request.method == "POST" and form.is_valid() and address.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.workspace = request.workspace
            saved.address = address.save_to(supplier.address if supplier else Address())
            saved.save()
        messages.success(request, f"Supplier {saved.name} saved.")
        return redirect("contacts:suppliers", ws=request.workspace.pk)
    context = {"form": form, "address": address, "supplier": supplier, "tab": "suppliers"}
    return render(request, "contacts/supplier_form.html", context)


def delete_contact(
    request: WorkspaceRequest, contact: Customer | Supplier, orders: int, kind: str, documents: str
) -> HttpResponse:
    """Deletes a contact and its addresses, unless orders use it: then says why and changes nothing."""
    name = contact.display_name
    if orders:
        messages.error(
            request,
            f"{name} cannot be deleted: {orders} {documents}(s) use this {kind}. "
            "Delete or reassign those orders first.",
        )
        return redirect(f"contacts:{kind}_edit", ws=request.workspace.pk, pk=contact.pk)
    with transaction.atomic():
        addresses = (
            [contact.billing_address, contact.shipping_address]
            if isinstance(contact, Customer)
            else [contact.address]
        )
        contact.delete()
        for address in addresses:
            address.delete()
    messages.success(request, f"{kind.capitalize()} {name} deleted.")
    return redirect(f"contacts:{kind}s", ws=request.workspace.pk)


@require_POST
@workspace_view()
def customer_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    customer = get_for_workspace(request, Customer, pk=pk)
    return delete_contact(request, customer, customer.sales_orders.count(), "customer", "sales order")


@require_POST
@workspace_view()
def supplier_delete(request: WorkspaceRequest, pk: int) -> HttpResponse:
    supplier = get_for_workspace(request, Supplier, pk=pk)
    return delete_contact(request, supplier, supplier.purchase_orders.count(), "supplier", "purchase order")
