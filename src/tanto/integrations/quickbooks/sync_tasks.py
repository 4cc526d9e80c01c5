"""Background tasks that push documents to QuickBooks (ids in; the outbox rows are the truth)."""

from __future__ import annotations

import logging

from django.tasks import task

from tanto.integrations import outbox
from tanto.integrations.quickbooks import push

logger = logging.getLogger(__name__)


@task()
def push_documents(record_ids: list[int]) -> None:
    push.push(record_ids)


def sweep() -> int:
    """Re-enqueues records that are due but that no queued task may be carrying any more: their message
    was lost, or their worker died holding the lease. Claims make a duplicate message harmless."""
    due = outbox.due_records()
    for start in range(0, len(due), 300):
        push_documents.enqueue(due[start : start + 300])
    if due:
        logger.info("quickbooks.sync.swept records=%s", len(due))
    return len(due)
