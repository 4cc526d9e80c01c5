"""Background work for the QuickBooks integration (django.tasks; ids in, rows looked up fresh)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from tanto.integrations.quickbooks.client import QuickBooksClient
from tanto.integrations.quickbooks.contacts import ContactImporter, PageResult
from tanto.integrations.quickbooks.errors import NeedsReconnect, QuickBooksError
from tanto.integrations.quickbooks.models import ImportRun, ImportStatus

logger = logging.getLogger(__name__)

ENTITIES: tuple[tuple[str, str], ...] = (
    ("customer", "Customer"),
    ("vendor", "Vendor"),
)


def enqueue_import(run: ImportRun) -> None:
    # On commit: a worker must never pick up a run whose row it cannot see yet.
    run_id = run.pk
    transaction.on_commit(lambda: import_contacts.enqueue(run_id))


@task()
def import_contacts(run_id: int) -> None:
    run = ImportRun.objects.select_related("connection__workspace").filter(pk=run_id).first()
    if run is None or run.finished:
        # Deleted, or a replayed message for a run that already finished.
        return
    run_import(run)


def run_import(run: ImportRun) -> None:
    """Imports every customer and vendor of the run's company, recording progress page by page.
    A broken connection pauses the run (it resumes after reconnect); other faults fail it with a reason."""
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, error="")
    try:
        with QuickBooksClient(run.connection) as client:
            totals = [client.count(entity) for _, entity in ENTITIES]
            # A resumed run starts over; what its first attempt linked now counts as already imported.
            ImportRun.objects.filter(pk=run.pk).update(
                total=sum(totals),
                processed=0,
                created=0,
                linked_by_email=0,
                linked_by_name=0,
                already_imported=0,
                skipped={},
            )
            for (kind, entity), total in zip(ENTITIES, totals, strict=True):
                importer = ContactImporter(run.connection, kind)
                for page in client.pages(entity, total=total):
                    _record(run, len(page), importer.import_page(page))
    except NeedsReconnect:
        logger.warning("quickbooks.import.paused run=%s (needs reconnect)", run.pk)
        ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.PAUSED)
        return
    except QuickBooksError as exc:
        logger.warning(
            "quickbooks.import.failed run=%s code=%s intuit_tid=%s", run.pk, exc.code, exc.intuit_tid
        )
        _fail(run, exc.message)
        return
    except Exception:
        # Never leave the progress bar spinning after a crash; the worker logs the traceback.
        _fail(run, "The import stopped unexpectedly. Start it again: nothing will be duplicated.")
        raise
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.DONE, finished_at=timezone.now())


def _fail(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.FAILED, error=message[:500], finished_at=timezone.now()
    )


def _record(run: ImportRun, rows: int, result: PageResult) -> None:
    skipped = dict(ImportRun.objects.values_list("skipped", flat=True).get(pk=run.pk))
    for reason, count in result.skipped.items():
        skipped[reason] = skipped.get(reason, 0) + count
    ImportRun.objects.filter(pk=run.pk).update(
        processed=F("processed") + rows,
        created=F("created") + result.created,
        linked_by_email=F("linked_by_email") + result.linked_by_email,
        linked_by_name=F("linked_by_name") + result.linked_by_name,
        already_imported=F("already_imported") + result.already_imported,
        skipped=skipped,
    )
