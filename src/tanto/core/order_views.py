"""The Sell and Buy screens share one shape: a list, an editor, a detail page with partial moves.

Each screen describes itself with an OrderScreen; the views below do the rest, so both behave alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from tanto.accounts.access import WorkspaceRequest, get_for_workspace, workspace_view
from tanto.catalog.models import TaxRate
from tanto.core.documents import OrderDocument
from tanto.core.money import LineInput, document_totals
from tanto.core.order_forms import MAX_ROWS, parse_decimal
from tanto.integrations.columns import list_columns

PAGE_SIZE = 50
SORT_CHOICES = [
    ("-created", "Newest first"),
    ("created", "Oldest first"),
    ("number", "Order number"),
    ("-number", "Order number, descending"),
    ("contact", "Contact name"),
    ("deadline", "Due date"),
    ("-total", "Highest total"),
    ("total", "Lowest total"),
]


@dataclass(frozen=True)
class OrderScreen:
    title: str  # "Sell" / "Buy"
    model: type[OrderDocument]
    form_class: type[Any]
    rows_formset: type[Any]
    namespace: str  # URL namespace: "sales" / "purchasing"
    contact_field: str  # "customer" / "supplier"
    contact_name_field: str  # for search and sort
    second_date_field: str  # "delivery_deadline" / "expected_arrival"
    second_date_label: str
    status_field: str
    status_choices: list[tuple[str, str]]
    move: Callable[[Any, Mapping[int, Decimal], datetime.date], Any]  # deliver / receive
    move_verb: str  # "deliver" / "receive"
    has_discount: bool
    # Extra per-order form pieces (a sales order's addresses), built and saved around the main form.
    extra_forms: Callable[[WorkspaceRequest, Any], dict[str, Any]] = lambda request, order: {}
    save_extra: Callable[[Any, dict[str, Any]], None] = lambda order, forms: None
    sorts: Mapping[str, str] = field(default_factory=dict)

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"{self.namespace}:{name}", kwargs=kwargs)

    def sort_options(self) -> dict[str, str]:
        return {
            "number": "number",
            "contact": self.contact_name_field,
            "created": "created_date",
            "deadline": self.second_date_field,
            "total": "total",
            **self.sorts,
        }


def order_list(request: WorkspaceRequest, screen: OrderScreen) -> HttpResponse:
    orders = screen.model.objects.filter(workspace=request.workspace).select_related(screen.contact_field)
    query = request.GET.get("q", "").strip()
    if query:
        orders = orders.filter(
            Q(number__icontains=query) | Q(**{f"{screen.contact_name_field}__icontains": query})
        )
    status = request.GET.get("status", "")
    if status in dict(screen.status_choices):
        orders = orders.filter(**{screen.status_field: status})
    sort = request.GET.get("sort", "-created")
    column = screen.sort_options().get(sort.lstrip("-"), "created_date")
    direction = "-" if sort.startswith("-") else ""
    orders = orders.order_by(f"{direction}{column}", f"{direction}id")
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    columns = list_columns(request.workspace, screen.namespace, page.object_list)
    context = {
        "screen": screen,
        "page": page,
        "query": query,
        "status": status,
        "sort": sort,
        "statuses": screen.status_choices,
        "sort_choices": SORT_CHOICES,
        "extra_columns": columns,
    }
    return render(request, "orders/list.html", context)


def order_edit(request: WorkspaceRequest, screen: OrderScreen, pk: int | None = None) -> HttpResponse:
    order = (
        get_for_workspace(request, screen.model, pk=pk) if pk else screen.model(workspace=request.workspace)
    )
    data = request.POST or None
    form = screen.form_class(data, instance=order, workspace=request.workspace)
    rows = screen.rows_formset(data, instance=order, workspace=request.workspace, prefix="rows")
    extra = screen.extra_forms(request, order if pk else None)
    if request.method == "POST" and "add_row" in request.POST:
        rows = _with_one_more_row(screen, request, order)
    elif request.method == "POST" and all(
        [form.is_valid(), rows.is_valid(), *(f.is_valid() for f in extra.values())]
    ):
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.workspace = request.workspace
            screen.save_extra(saved, extra)
            saved.save()
            rows.instance = saved
            rows.save()
            saved.refresh_totals()
        messages.success(request, f"Order {saved.number} saved.")
        return redirect(screen.url("detail", ws=request.workspace.pk, pk=saved.pk))
    context = {
        "screen": screen,
        "form": form,
        "rows": rows,
        "order": order if pk else None,
        "initial_totals": order.compute_totals() if pk else None,
        **extra,
    }
    return render(request, "orders/form.html", context)


def _with_one_more_row(screen: OrderScreen, request: WorkspaceRequest, order: Any) -> Any:
    """'Add row' without JavaScript: the same form again with one more empty row."""
    post = request.POST.copy()
    post["rows-TOTAL_FORMS"] = str(int(post.get("rows-TOTAL_FORMS", "0") or 0) + 1)
    formset = screen.rows_formset(post, instance=order, workspace=request.workspace, prefix="rows")
    formset._errors = []  # show the rows as typed, without complaining about the empty new one
    formset._non_form_errors = formset.error_class()
    for one in formset.forms:
        one._errors = one.error_class()
    return formset


def order_detail(request: WorkspaceRequest, screen: OrderScreen, pk: int) -> HttpResponse:
    order = get_for_workspace(request, screen.model, pk=pk)
    rows = list(order.rows.select_related("variant__product", "tax_rate"))
    totals = document_totals(order.line_inputs())
    short = [
        row for row in rows if row.variant.tracks_stock and row.variant.stock_on_hand < row.remaining_quantity
    ]
    context = {
        "screen": screen,
        "order": order,
        "rows": rows,
        "totals": totals,
        "short_rows": short,
        "movable": any(row.remaining_quantity > 0 for row in rows),
    }
    return render(request, "orders/detail.html", context)


def order_move(request: WorkspaceRequest, screen: OrderScreen, pk: int) -> HttpResponse:
    """Deliver or receive: the quantities typed per row, or everything left when 'all' is asked."""
    order = get_for_workspace(request, screen.model, pk=pk)
    rows = list(order.rows.all())
    if "all" in request.POST:
        quantities = {row.pk: row.remaining_quantity for row in rows}
    else:
        quantities = {row.pk: parse_decimal(request.POST.get(f"move-{row.pk}")) or Decimal(0) for row in rows}
    try:
        when = datetime.date.fromisoformat(request.POST.get("date") or datetime.date.today().isoformat())
        screen.move(order, quantities, when)
    except ValueError:
        messages.error(request, "Enter the date as YYYY-MM-DD.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{order.number}: {screen.move_verb} recorded.")
        _warn_negative_stock(request, order)
    return redirect(screen.url("detail", ws=request.workspace.pk, pk=order.pk))


def bulk_move(request: WorkspaceRequest, screen: OrderScreen) -> HttpResponse:
    """Deliver or receive everything left on the selected orders, one order at a time."""
    ids = [int(v) for v in request.POST.getlist("selected") if v.isdigit()]
    orders = screen.model.objects.filter(workspace=request.workspace, pk__in=ids)
    done = 0
    for order in orders:
        rows = list(order.rows.all())
        remaining = {row.pk: row.remaining_quantity for row in rows if row.remaining_quantity > 0}
        if remaining:
            screen.move(order, remaining, datetime.date.today())
            done += 1
    messages.success(
        request, f"{done} order(s) marked as {screen.move_verb}d." if done else "Nothing left to move."
    )
    return redirect(screen.url("list", ws=request.workspace.pk))


def _warn_negative_stock(request: WorkspaceRequest, order: models.Model) -> None:
    negative = [
        row.variant
        for row in order.rows.select_related("variant__product")
        if row.variant.tracks_stock and row.variant.stock_on_hand < 0
    ]
    for variant in negative:
        messages.warning(
            request, f"Stock of {variant.sku} is now negative ({variant.stock_on_hand.normalize():f})."
        )


def totals_preview(request: WorkspaceRequest, screen: OrderScreen) -> HttpResponse:
    """Live totals for an unsaved form, computed by tanto.core.money like everything else."""
    rates = {str(r.pk): r.rate for r in TaxRate.objects.filter(workspace=request.workspace)}
    lines = []
    count = int(parse_decimal(request.POST.get("rows-TOTAL_FORMS")) or 0)
    for i in range(min(count, MAX_ROWS)):
        key = f"rows-{i}-"
        quantity = parse_decimal(request.POST.get(key + "quantity"))
        price = parse_decimal(request.POST.get(key + "price"))
        if quantity is None or price is None or request.POST.get(key + "DELETE"):
            continue
        discount = parse_decimal(request.POST.get(key + "discount_percent")) or Decimal(0)
        lines.append(
            LineInput(
                quantity, price, discount, rates.get(request.POST.get(key + "tax_rate", ""), Decimal(0))
            )
        )
    shipping = parse_decimal(request.POST.get("shipping_fee"))
    if shipping:
        lines.append(
            LineInput(
                Decimal(1),
                shipping,
                Decimal(0),
                rates.get(request.POST.get("shipping_tax_rate", ""), Decimal(0)),
            )
        )
    try:
        totals = document_totals(lines)
    except ArithmeticError:  # absurdly large numbers; the form itself will refuse them on save
        totals = None
    currency = request.POST.get("currency", "")
    return render(request, "orders/totals.html", {"totals": totals, "currency": currency})


def screen_urls(screen: OrderScreen, move_path: str) -> list[URLPattern]:
    """The URLs of one order screen, each view bound to the screen and behind the workspace check."""

    def bind(view: Callable[..., HttpResponse], post_only: bool = False) -> Callable[..., HttpResponse]:
        def bound(request: WorkspaceRequest, **kwargs: Any) -> HttpResponse:
            return view(request, screen, **kwargs)

        bound.__name__ = f"{screen.namespace}_{view.__name__}"
        checked = workspace_view()(bound)
        return require_POST(checked) if post_only else checked

    return [
        path("", bind(order_list), name="list"),
        path("new/", bind(order_edit), name="new"),
        path("totals/", bind(totals_preview, post_only=True), name="totals"),
        path(f"{move_path}/", bind(bulk_move, post_only=True), name="bulk_move"),
        path("<int:pk>/", bind(order_detail), name="detail"),
        path("<int:pk>/edit/", bind(order_edit), name="edit"),
        path(f"<int:pk>/{move_path}/", bind(order_move, post_only=True), name="move"),
    ]
