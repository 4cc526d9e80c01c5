"""The last screen: Data import of QuickBooks customers and suppliers, then Done (or Skip)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from tanto.integrations.base import SetupPipeline, SetupStep
from tanto.integrations.quickbooks.models import ImportRun, ImportStatus, QuickBooksConnection
from tanto.integrations.quickbooks.setup.common import render_step, step_url, tab_url
from tanto.integrations.quickbooks.tasks import enqueue_import

ACTIVE_MESSAGE = "The integration is now active!"
UNFINISHED = (ImportStatus.QUEUED, ImportStatus.RUNNING)


def start_import(conn: QuickBooksConnection, request: HttpRequest) -> ImportRun:
    """A new import, unless one is already under way (a double click must not run two at once)."""
    with transaction.atomic():
        running = ImportRun.objects.filter(connection=conn, status__in=UNFINISHED).first()
        if running is not None:
            return running
        run = ImportRun.objects.create(
            workspace_id=conn.workspace_id, connection=conn, requested_by=request.user
        )
        enqueue_import(run)
    return run


def finish_setup(conn: QuickBooksConnection) -> None:
    if conn.setup_completed_at is None:
        conn.setup_completed_at = timezone.now()
        conn.save(update_fields=["setup_completed_at"])


class ImportStep(SetupStep):
    key = "import"
    title = "Data import"

    def is_complete(self, connection: QuickBooksConnection) -> bool:
        return connection.setup_completed_at is not None

    def handle(
        self, request: HttpRequest, connection: QuickBooksConnection, pipeline: SetupPipeline
    ) -> HttpResponse:
        if request.method == "POST":
            if "import" in request.POST:
                start_import(connection, request)
                return redirect(step_url(connection, self.key))
            finish_setup(connection)
            messages.success(request, ACTIVE_MESSAGE)
            return redirect(tab_url(connection))
        return render_step(
            request,
            connection,
            pipeline,
            self,
            "quickbooks/setup/import.html",
            {"run": connection.imports.first()},
        )
