"""Screens and endpoints of the QuickBooks connection: connect, Intuit's callback, reconnect, disconnect,
the setup wizard's frame, import progress, and the public pages Intuit links to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tanto.accounts.access import WorkspaceRequest, workspace_view
from tanto.accounts.models import Membership, Role, Workspace
from tanto.integrations.quickbooks import company
from tanto.integrations.quickbooks import connection as flow
from tanto.integrations.quickbooks.errors import QuickBooksError
from tanto.integrations.quickbooks.models import ImportRun, QuickBooksConnection
from tanto.integrations.quickbooks.provider import PROVIDER, live_connection

CANCELLED = "QuickBooks connection was cancelled"


def _realm(request: HttpRequest) -> str:
    """The realmId Intuit sent, or "" when it cannot be one: QuickBooks company ids are digits, and
    anything else (a NUL byte, say, which PostgreSQL refuses) must not reach a query."""
    realm_id = request.GET.get("realmId", "")
    return realm_id if realm_id.isascii() and realm_id.isdigit() and len(realm_id) <= 32 else ""


def _tab(workspace_id: int) -> HttpResponseRedirect:
    return redirect("integrations", ws=workspace_id)


def _authorize(request: HttpRequest, workspace: Workspace, expected_realm: str = "") -> HttpResponse:
    try:
        url = flow.start_authorization(request, workspace, expected_realm)
    except QuickBooksError as exc:
        messages.error(request, exc.message)
        return _tab(workspace.pk)
    return redirect(url)


@never_cache
@require_POST
@workspace_view(admin_only=True)
def connect(request: WorkspaceRequest) -> HttpResponse:
    if live_connection(request.workspace) is not None:
        messages.error(request, "This workspace is already connected to QuickBooks.")
        return _tab(request.workspace.pk)
    return _authorize(request, request.workspace)


@never_cache
@require_POST
@workspace_view(admin_only=True)
def reconnect(request: WorkspaceRequest) -> HttpResponse:
    conn = live_connection(request.workspace)
    if conn is None:
        raise Http404
    return _authorize(request, request.workspace, expected_realm=conn.realm_id)


@never_cache
@require_POST
@workspace_view(admin_only=True)
def disconnect(request: WorkspaceRequest) -> HttpResponse:
    conn = live_connection(request.workspace)
    if conn is None:
        raise Http404
    revoked = flow.disconnect(conn)
    if revoked:
        messages.success(request, f"Disconnected from QuickBooks company {conn.company_name}.")
    else:
        messages.warning(
            request,
            f"Disconnected from {conn.company_name} in Tanto. Intuit could not be reached "
            "to end the connection there; you can remove Tanto under Apps in QuickBooks.",
        )
    return _tab(request.workspace.pk)


@login_not_required
@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Intuit sends the user back here with code, state and realmId. Whatever happens, the answer is a
    redirect to a clean URL: no page is ever shown while the code is in the address bar."""
    # Signed out meanwhile: no session, so no state matches, and the answer is still a clean redirect
    # (never the login page with the code in its `next` parameter).
    pending = (
        flow.consume_state(request, request.GET.get("state", "")) if request.user.is_authenticated else None
    )
    if pending is None:
        messages.error(
            request,
            "The QuickBooks connection could not be completed: the sign-in link was "
            "invalid, already used or expired. Start again from Settings → Integrations.",
        )
        return redirect("home")
    if request.GET.get("error"):
        text = (
            CANCELLED
            if request.GET["error"] == "access_denied"
            else ("Intuit could not complete the QuickBooks connection. Try connecting again.")
        )
        messages.error(request, text)
        return _tab(pending.workspace_id)
    realm_id, code = _realm(request), request.GET.get("code", "")
    if not realm_id or not code:
        messages.error(
            request, "Intuit did not say which QuickBooks company was chosen. Try connecting again."
        )
        return _tab(pending.workspace_id)
    if not Membership.objects.filter(
        workspace_id=pending.workspace_id, user=request.user, role=Role.ADMIN
    ).exists():
        # No longer an admin there: refuse, still with a redirect (no page while the code is in the URL).
        messages.error(request, "Only workspace admins can connect QuickBooks.")
        return redirect("home")
    return _finish_connect(request, pending, code, realm_id)


def _finish_connect(
    request: HttpRequest, pending: flow.PendingAuthorization, code: str, realm_id: str
) -> HttpResponse:
    try:
        conn = flow.complete_connection(pending, code, realm_id, request.user)
    except flow.ConnectRefused as exc:
        messages.error(request, str(exc))
        return _tab(pending.workspace_id)
    except QuickBooksError as exc:
        messages.error(request, f"Connected, but QuickBooks could not be read yet: {exc.message}")
        return _tab(pending.workspace_id)
    if conn.setup_completed_at is not None:
        resumed = flow.resume_paused_work(conn)
        messages.success(
            request,
            f"Reconnected to QuickBooks company {conn.company_name}."
            + (" Paused work has resumed." if resumed else ""),
        )
        return _tab(conn.workspace_id)
    messages.success(request, f"Connected to QuickBooks company {conn.company_name}.")
    first = PROVIDER.setup_pipeline().first_incomplete(conn)
    return redirect("quickbooks:setup_step", ws=conn.workspace_id, step=first.key if first else "mode")


@never_cache
@workspace_view(admin_only=True)
def setup(request: WorkspaceRequest, step: str = "") -> HttpResponse:
    conn = live_connection(request.workspace)
    if conn is None:
        messages.error(request, "Connect to QuickBooks first.")
        return _tab(request.workspace.pk)
    if conn.needs_reconnect:
        messages.error(request, "Reconnect to QuickBooks to continue the setup.")
        return _tab(request.workspace.pk)
    if not conn.country and not _company_loaded(request, conn):
        return _tab(request.workspace.pk)
    pipeline = PROVIDER.setup_pipeline()
    current = pipeline.get(conn, step)
    if current is None:
        raise Http404
    if not pipeline.previous_complete(conn, step):
        first = pipeline.first_incomplete(conn)
        return redirect("quickbooks:setup_step", ws=conn.workspace_id, step=first.key if first else step)
    return current.handle(request, conn, pipeline)


def _company_loaded(request: HttpRequest, conn: QuickBooksConnection) -> bool:
    """The company's country decides the steps; if QuickBooks could not be read at connect time, retry."""
    try:
        company.load_company(conn)
    except QuickBooksError as exc:
        messages.error(request, f"QuickBooks could not be read just now: {exc.message}")
        return False
    return True


@never_cache
@workspace_view(admin_only=True)
def import_progress(request: WorkspaceRequest, run: int) -> HttpResponse:
    found = get_object_or_404(ImportRun, pk=run, workspace=request.workspace)
    return render(request, "quickbooks/import_progress.html", {"run": found})


@login_not_required
@require_GET
def launch(request: HttpRequest) -> HttpResponse:
    """Intuit's Launch URL: the sign-in page, or straight in for someone already signed in."""
    return redirect("home" if request.user.is_authenticated else "accounts:login")


@login_not_required
@require_GET
def disconnected(request: HttpRequest) -> HttpResponse:
    """Intuit's Disconnect URL: shown after the connection was ended from QuickBooks' side."""
    return render(request, "quickbooks/disconnected.html")


@require_GET
def intuit_reconnect(request: HttpRequest) -> HttpResponse:
    """Intuit's Reconnect URL (?realmId=…): reruns the authorization for the workspace with that company."""
    realm_id = _realm(request)
    conn = (
        QuickBooksConnection.objects.for_realm(realm_id)
        .filter(
            workspace__memberships__user=request.user,
            workspace__memberships__role=Role.ADMIN,
        )
        .order_by("-connected_at")
        .first()
        if realm_id
        else None
    )
    if conn is None:
        messages.error(request, "No workspace of yours is connected to that QuickBooks company.")
        return redirect("home")
    return _authorize(request, conn.workspace, expected_realm=conn.realm_id)
