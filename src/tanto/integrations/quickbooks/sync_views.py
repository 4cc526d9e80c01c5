"""The Invoice and Bill columns, Create invoice / Create bill (one or many), Retry, and the Sync log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tanto.accounts.access import WorkspaceRequest, workspace_view
from tanto.accounts.models import Workspace
from tanto.integrations import columns, outbox
from tanto.integrations.outbox import Kind, State, SyncRecord
from tanto.integrations.quickbooks import push
from tanto.integrations.quickbooks.models import QuickBooksConnection
from tanto.integrations.quickbooks.provider import live_connection
from tanto.purchasing.models import PurchaseOrder
from tanto.sales.models import SalesOrder

APP_URLS = {"sandbox": "https://app.sandbox.qbo.intuit.com", "production": "https://app.qbo.intuit.com"}
DOCUMENT_PATHS = {Kind.INVOICE: "invoice", Kind.BILL: "bill", Kind.COGS: "journal"}
SCREENS = {"sales": (Kind.INVOICE, "sales_order_id"), "purchasing": (Kind.BILL, "purchase_order_id")}
BULK_LIMIT = 1000


def document_url(conn: QuickBooksConnection, record: SyncRecord) -> str:
    """The document in QuickBooks (or in the emulator's viewer, which answers at the same paths)."""
    env = settings.QBO_ENVIRONMENT
    if env in APP_URLS:
        base = APP_URLS[env]
    else:
        parts = urlsplit(env)
        base = f"{parts.scheme}://{parts.netloc}"
    path = DOCUMENT_PATHS[record.kind]
    return f"{base}/app/{path}?txnId={record.remote_id}&realmId={conn.realm_id}"


@dataclass
class Cell:
    """What the Invoice / Bill column shows for one order."""

    kind: str
    order_id: int
    workspace_id: int
    record: SyncRecord | None = None
    link: str = ""
    paused_connection: bool = False

    @property
    def state(self) -> str:
        if self.record is None:
            return "paused" if self.paused_connection else "none"
        return self.record.state

    @property
    def done_label(self) -> str:
        return "Invoiced" if self.kind == Kind.INVOICE else "Billed"

    @property
    def action_label(self) -> str:
        return "Create invoice" if self.kind == Kind.INVOICE else "Create bill"

    @property
    def polling(self) -> bool:
        return self.state in (State.QUEUED, State.SENDING)

    @property
    def number(self) -> str:
        record = self.record
        return (record.remote_number or record.remote_id) if record else ""

    def _url(self, name: str) -> str:
        kwargs = {"ws": self.workspace_id, "kind": self.kind, "pk": self.order_id}
        return reverse(f"quickbooks:{name}", kwargs=kwargs)

    @property
    def url_push(self) -> str:
        return self._url("push_one")

    @property
    def url_retry(self) -> str:
        return self._url("retry")

    @property
    def url_cell(self) -> str:
        return self._url("cell")


def _connection(workspace: Workspace, kind: str) -> QuickBooksConnection | None:
    conn = live_connection(workspace)
    if conn is None or conn.setup_completed_at is None:
        return None
    enabled = conn.sales_sync_enabled if kind == Kind.INVOICE else conn.purchase_sync_enabled
    return conn if enabled else None


def cells_for(conn: QuickBooksConnection, kind: str, order_ids: list[int]) -> dict[int, Cell]:
    field = "sales_order_id" if kind == Kind.INVOICE else "purchase_order_id"
    records = SyncRecord.objects.filter(
        provider=push.PROVIDER, connection_id=conn.pk, kind=kind, **{f"{field}__in": order_ids}
    )
    by_order = {getattr(r, field): r for r in records}
    cells = {}
    for order_id in order_ids:
        record = by_order.get(order_id)
        link = document_url(conn, record) if record and record.state == State.SYNCED else ""
        cells[order_id] = Cell(
            kind, order_id, conn.workspace_id, record, link, paused_connection=conn.needs_reconnect
        )
    return cells


def sync_column(workspace: Workspace, screen: str, orders: Any) -> columns.ListColumn | None:
    if screen not in SCREENS:
        return None
    kind, _ = SCREENS[screen]
    conn = _connection(workspace, kind)
    if conn is None:
        return None
    title = "Invoice" if kind == Kind.INVOICE else "Bill"
    bulk = "Create invoices" if kind == Kind.INVOICE else "Create bills"
    return columns.ListColumn(
        title=title,
        template="quickbooks/sync_cell.html",
        cells=cells_for(conn, kind, [o.pk for o in orders]),
        bulk_action=bulk,
        bulk_url=reverse("quickbooks:push_bulk", kwargs={"ws": workspace.pk, "kind": kind}),
    )


def _order(request: WorkspaceRequest, kind: str, pk: int) -> SalesOrder | PurchaseOrder:
    model = SalesOrder if kind == Kind.INVOICE else PurchaseOrder if kind == Kind.BILL else None
    if model is None:
        raise Http404
    return get_object_or_404(model, workspace=request.workspace, pk=pk)


def _cell_response(request: WorkspaceRequest, conn: QuickBooksConnection, kind: str, pk: int) -> HttpResponse:
    if not request.htmx:
        return redirect("sales:list" if kind == Kind.INVOICE else "purchasing:list", ws=request.workspace.pk)
    cell = cells_for(conn, kind, [pk])[pk]
    return render(request, "quickbooks/sync_cell.html", {"cell": cell})


@require_POST
@workspace_view()
def push_one(request: WorkspaceRequest, kind: str, pk: int) -> HttpResponse:
    order = _order(request, kind, pk)
    conn = _connection(request.workspace, kind)
    if conn is None or conn.needs_reconnect:
        messages.error(request, "QuickBooks is not connected for this: see Settings → Integrations.")
        return redirect("integrations", ws=request.workspace.pk)
    push.request_documents(conn, kind, [order], user=request.user)
    return _cell_response(request, conn, kind, pk)


@workspace_view()
def cell(request: WorkspaceRequest, kind: str, pk: int) -> HttpResponse:
    """The cell again, for polling while a document is on its way."""
    order = _order(request, kind, pk)
    conn = _connection(request.workspace, kind)
    if conn is None:
        raise Http404
    return render(request, "quickbooks/sync_cell.html", {"cell": cells_for(conn, kind, [order.pk])[order.pk]})


@require_POST
@workspace_view()
def retry(request: WorkspaceRequest, kind: str, pk: int) -> HttpResponse:
    order = _order(request, kind, pk)
    conn = _connection(request.workspace, kind)
    if conn is None:
        raise Http404
    field = "sales_order" if kind == Kind.INVOICE else "purchase_order"
    record = get_object_or_404(
        SyncRecord, workspace=request.workspace, connection_id=conn.pk, kind=kind, **{field: order}
    )
    if outbox.retry(record):
        push.enqueue([record.pk])
    return _cell_response(request, conn, kind, pk)


@require_POST
@workspace_view()
def push_bulk(request: WorkspaceRequest, kind: str) -> HttpResponse:
    screen = "sales:list" if kind == Kind.INVOICE else "purchasing:list"
    conn = _connection(request.workspace, kind)
    ids = [int(v) for v in request.POST.getlist("selected") if v.isdigit()][:BULK_LIMIT]
    if conn is None or kind not in (Kind.INVOICE, Kind.BILL):
        raise Http404
    model = SalesOrder if kind == Kind.INVOICE else PurchaseOrder
    orders = list(model.objects.filter(workspace=request.workspace, pk__in=ids).order_by("pk"))
    if not orders:
        messages.error(request, "Select at least one order first.")
        return redirect(screen, ws=request.workspace.pk)
    records = push.request_documents(conn, kind, orders, user=request.user)
    run = outbox.PushRun.objects.create(
        workspace=request.workspace, kind=kind, record_ids=[r.pk for r in records], requested_by=request.user
    )
    return redirect("quickbooks:push_progress", ws=request.workspace.pk, pk=run.pk)


@workspace_view()
def push_progress(request: WorkspaceRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(outbox.PushRun, workspace=request.workspace, pk=pk)
    counts = run.counts()
    template = "quickbooks/push_progress_body.html" if request.htmx else "quickbooks/push_progress.html"
    failed = SyncRecord.objects.filter(pk__in=run.record_ids, state=State.FAILED).select_related(
        "sales_order", "purchase_order"
    )[:50]
    return render(request, template, {"run": run, "counts": counts, "failed": failed})


@workspace_view()
def sync_log(request: WorkspaceRequest) -> HttpResponse:
    records = SyncRecord.objects.filter(workspace=request.workspace).select_related(
        "sales_order", "purchase_order"
    )
    order = request.GET.get("order", "").strip()
    if order:
        records = records.filter(sales_order__number__icontains=order) | records.filter(
            purchase_order__number__icontains=order
        )
    state = request.GET.get("state", "")
    if state in State.values:
        records = records.filter(state=state)
    day = _date(request.GET.get("date", ""))
    if day:
        records = records.filter(updated_at__date=day)
    page = Paginator(records.order_by("-updated_at", "-pk"), 25).get_page(request.GET.get("page"))
    attempts = outbox.SyncAttempt.objects.filter(record__in=list(page.object_list)).order_by("-started_at")
    by_record: dict[int, list[outbox.SyncAttempt]] = {}
    for attempt in attempts:
        by_record.setdefault(attempt.record_id, []).append(attempt)
    conn = live_connection(request.workspace)
    rows = [
        (
            r,
            by_record.get(r.pk, []),
            document_url(conn, r) if conn and r.remote_id and conn.pk == r.connection_id else "",
        )
        for r in page
    ]
    context = {
        "page": page,
        "rows": rows,
        "states": State.choices,
        "order": order,
        "state": state,
        "date": request.GET.get("date", ""),
    }
    return render(request, "quickbooks/sync_log.html", context)


@require_POST
@workspace_view()
def sync_log_retry(request: WorkspaceRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(SyncRecord, workspace=request.workspace, pk=pk)
    if outbox.retry(record):
        push.enqueue([record.pk])
        messages.success(request, "Queued again.")
    return redirect("quickbooks:sync_log", ws=request.workspace.pk)


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
