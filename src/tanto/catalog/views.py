"""Items: products, materials and services with their variants, stock on hand and average cost."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tanto.accounts.access import WorkspaceRequest, get_for_workspace, workspace_view
from tanto.catalog.forms import ProductForm, VariantFormSet
from tanto.catalog.models import ItemType, Product, Variant

PAGE_SIZE = 50


@workspace_view()
def item_list(request: WorkspaceRequest) -> HttpResponse:
    variants = Variant.objects.filter(workspace=request.workspace).select_related("product")
    query = request.GET.get("q", "").strip()
    if query:
        variants = variants.filter(
            Q(sku__icontains=query) | Q(product__name__icontains=query) | Q(name__icontains=query)
        )
    item_type = request.GET.get("type", "")
    if item_type in ItemType.values:
        variants = variants.filter(product__type=item_type)
    page = Paginator(variants.order_by("product__name", "sku"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "item_type": item_type, "types": ItemType.choices}
    return render(request, "catalog/item_list.html", context)


@workspace_view()
def product_edit(request: WorkspaceRequest, pk: int | None = None) -> HttpResponse:
    product = get_for_workspace(request, Product, pk=pk) if pk else Product(workspace=request.workspace)
    form = ProductForm(request.POST or None, instance=product)
    variants = VariantFormSet(
        request.POST or None, instance=product, workspace=request.workspace, prefix="variants"
    )
    if request.method == "POST" and form.is_valid() and variants.is_valid():
        with transaction.atomic():
            saved = form.save()
            for variant in variants.save(commit=False):
                variant.workspace = request.workspace
                variant.product = saved
                variant.save()
        messages.success(request, f"{saved.name} saved.")
        return redirect("catalog:items", ws=request.workspace.pk)
    return render(
        request, "catalog/product_form.html", {"form": form, "variants": variants, "product": product}
    )
