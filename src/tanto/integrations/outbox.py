"""The outbox: one durable record per document Tanto must create at an accounting provider.

A record is written in the same transaction as the user's click, unique on (provider, connection, kind,
object), so a double click or a second worker can never make a second document. The queue only carries
record ids: a lost queue message delays a push (the sweeper finds the record again), it never loses it.
Workers claim a record with a conditional UPDATE and hold it under a lease; a worker that dies mid-push
leaves a lease that expires, and the next claim resumes the record with the same request id.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from tanto.accounts.models import Workspace
from tanto.purchasing.models import PurchaseOrder
from tanto.sales.models import Fulfilment, SalesOrder


def lease() -> datetime.timedelta:
    """How long a claim holds a record: longer than any single push (client timeouts are far shorter)."""
    return datetime.timedelta(seconds=float(getattr(settings, "SYNC_LEASE_SECONDS", 120)))


# Plain string constants with their choices (rather than TextChoices) so that code passing them around
# is typed as str.
class Kind:
    INVOICE = "invoice"
    BILL = "bill"
    COGS = "cogs"
    choices = [(INVOICE, "Invoice"), (BILL, "Bill"), (COGS, "Cost of goods sold journal entry")]


class State:
    QUEUED = "queued"
    SENDING = "sending"
    SYNCED = "synced"
    FAILED = "failed"
    PAUSED = "paused"
    choices = [
        (QUEUED, "Queued"),
        (SENDING, "Sending"),
        (SYNCED, "Synced"),
        (FAILED, "Failed"),
        (PAUSED, "Paused — needs reconnect"),
    ]
    values = [value for value, _ in choices]


class SyncRecord(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=20)
    connection_id = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # "sales_order:12", "purchase_order:7", "fulfilment:31": what the uniqueness is about.
    object_key = models.CharField(max_length=60)
    sales_order = models.ForeignKey(
        SalesOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    purchase_order = models.ForeignKey(
        PurchaseOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fulfilment = models.ForeignKey(
        Fulfilment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # Sent as the provider's idempotency key on every attempt, so a retry is answered, not applied again.
    request_id = models.CharField(max_length=36, default=uuid.uuid4)
    # The last attempt may have been applied without us hearing back: look before sending again.
    outcome_unknown = models.BooleanField(default=False)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=36, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)

    remote_id = models.CharField(max_length=40, blank=True)
    remote_number = models.CharField(max_length=40, blank=True)
    remote_sync_token = models.CharField(max_length=20, blank=True)
    error_message = models.TextField(blank=True)
    error_hint = models.TextField(blank=True)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "connection_id", "kind", "object_key"], name="one_document_per_object"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["workspace", "kind", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.object_key} ({self.state})"

    @property
    def order_number(self) -> str:
        order = self.sales_order or self.purchase_order
        return order.number if order is not None else ""

    @property
    def is_busy(self) -> bool:
        return self.state in (State.QUEUED, State.SENDING)


class Outcome:
    SUCCESS = "success"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    UNCERTAIN = "uncertain"
    AUTH = "auth"
    FOUND = "found"
    choices = [
        (SUCCESS, "Success"),
        (TRANSIENT, "Temporary failure"),
        (PERMANENT, "Rejected"),
        (UNCERTAIN, "No answer"),
        (AUTH, "Needs reconnect"),
        (FOUND, "Found already created"),
    ]


class SyncAttempt(models.Model):
    """One try at one record: what was asked, what came back. The Sync log shows these."""

    record = models.ForeignKey(SyncRecord, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    request = models.CharField(max_length=200)  # method and path, never bodies or tokens
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    fault_code = models.CharField(max_length=20, blank=True)
    message = models.TextField(blank=True)
    intuit_tid = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.request} → {self.outcome}"


def object_key(obj: SalesOrder | PurchaseOrder | Fulfilment) -> str:
    prefix = {SalesOrder: "sales_order", PurchaseOrder: "purchase_order", Fulfilment: "fulfilment"}[type(obj)]
    return f"{prefix}:{obj.pk}"


def request_push(
    *,
    workspace: Workspace,
    provider: str,
    connection_id: int,
    kind: str,
    objects: Iterable[SalesOrder | PurchaseOrder | Fulfilment],
    user: Any = None,
) -> list[SyncRecord]:
    """Records (or finds) the push of each object; new and retried records get queued. Idempotent: the
    unique constraint, not a read-then-write, is what keeps a double click to one record."""
    records = []
    with transaction.atomic():
        for obj in objects:
            defaults: dict[str, Any] = {"workspace": workspace, "requested_by": user}
            if isinstance(obj, SalesOrder):
                defaults["sales_order"] = obj
            elif isinstance(obj, PurchaseOrder):
                defaults["purchase_order"] = obj
            else:
                defaults["fulfilment"] = obj
                defaults["sales_order_id"] = obj.order_id
            record, _ = SyncRecord.objects.get_or_create(
                provider=provider,
                connection_id=connection_id,
                kind=kind,
                object_key=object_key(obj),
                defaults=defaults,
            )
            records.append(record)
    return records


def retry(record: SyncRecord) -> bool:
    """A failed or paused record goes back to the queue. It gets a new request id: the provider refused
    the last one (nothing was applied), and would answer the same id with the same refusal. A record whose
    last write may have been applied keeps its id and its flag, so it is looked up before anything else."""
    retriable = SyncRecord.objects.filter(pk=record.pk, state__in=[State.FAILED, State.PAUSED])
    fresh = {"state": State.QUEUED, "next_attempt_at": timezone.now(), "error_message": "", "error_hint": ""}
    changed = retriable.filter(outcome_unknown=True).update(**fresh)
    changed += retriable.filter(outcome_unknown=False).update(**fresh, request_id=str(uuid.uuid4()))
    return bool(changed)


def claim_many(record_ids: Iterable[int], now: datetime.datetime | None = None) -> list[SyncRecord]:
    """Takes the due records among these for this worker, under one lease token (two UPDATEs and a SELECT,
    however many). A record someone else holds, or that is done, is left alone. A record whose lease
    expired can be claimed again: its worker died, perhaps after sending, so it is flagged as having an
    unknown outcome and gets looked up before anything is sent again."""
    now = now or timezone.now()
    token = str(uuid.uuid4())
    ids = list(record_ids)
    taken = {
        "state": State.SENDING,
        "lease_until": now + lease(),
        "lease_token": token,
        "attempt_count": F("attempt_count") + 1,
    }
    rows = SyncRecord.objects.filter(pk__in=ids)
    rows.filter(state=State.QUEUED, next_attempt_at__lte=now).update(**taken)
    rows.filter(state=State.SENDING, lease_until__lt=now).exclude(lease_token=token).update(
        **taken, outcome_unknown=True
    )
    return list(SyncRecord.objects.filter(pk__in=ids, lease_token=token).order_by("pk"))


def renew(records: list[SyncRecord]) -> bool:
    """Extends this worker's lease on the records, right before it sends them; False when any of them was
    taken over meanwhile (our lease ran out while we waited): then none may be sent by us."""
    if not records:
        return True
    ids = [r.pk for r in records]
    renewed = SyncRecord.objects.filter(
        pk__in=ids, lease_token=records[0].lease_token, state=State.SENDING
    ).update(lease_until=timezone.now() + lease())
    return renewed == len(ids)


def still_held(records: list[SyncRecord]) -> list[SyncRecord]:
    held = (
        set(
            SyncRecord.objects.filter(
                pk__in=[r.pk for r in records], lease_token=records[0].lease_token, state=State.SENDING
            ).values_list("pk", flat=True)
        )
        if records
        else set()
    )
    return [r for r in records if r.pk in held]


def release_many(records: list[SyncRecord], fields: list[str]) -> int:
    """Writes each record's own outcome (already set on the objects) for those this worker still holds."""
    with transaction.atomic():
        held = SyncRecord.objects.filter(pk__in=[r.pk for r in records], lease_token=records[0].lease_token)
        if connection.features.has_select_for_update:
            held = held.select_for_update()
        mine = set(held.values_list("pk", flat=True))
        keep = [r for r in records if r.pk in mine]
        now = timezone.now()
        for record in keep:
            record.lease_until, record.lease_token, record.updated_at = None, "", now
        SyncRecord.objects.bulk_update(keep, [*fields, "lease_until", "lease_token", "updated_at"])
    return len(keep)


def release(record: SyncRecord, **fields: Any) -> bool:
    """Writes the outcome, if this worker still holds the lease (a worker that overran it lost the record
    to another claim and must not overwrite that one's result)."""
    fields.setdefault("lease_until", None)
    fields.setdefault("lease_token", "")
    updated = SyncRecord.objects.filter(pk=record.pk, lease_token=record.lease_token).update(
        **fields, updated_at=timezone.now()
    )
    return bool(updated)


def due_records(now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of records a worker should be working on now: the sweeper re-enqueues these."""
    now = now or timezone.now()
    due = Q(state=State.QUEUED, next_attempt_at__lte=now) | Q(state=State.SENDING, lease_until__lt=now)
    return list(
        SyncRecord.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )


class PushRun(models.Model):
    """A bulk push the user started: which records it covers, so its progress can be shown."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    record_ids = models.JSONField(default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Bulk {self.kind} push of {len(self.record_ids)}"

    def counts(self) -> dict[str, int]:
        by_state = dict(
            SyncRecord.objects.filter(pk__in=self.record_ids)
            .values_list("state")
            .annotate(n=models.Count("pk"))
            .values_list("state", "n")
        )
        total = len(self.record_ids)
        done = by_state.get(State.SYNCED, 0)
        failed = by_state.get(State.FAILED, 0)
        paused = by_state.get(State.PAUSED, 0)
        return {
            "total": total,
            "done": done,
            "failed": failed,
            "paused": paused,
            "finished": done + failed + paused,
            "pending": total - done - failed - paused,
            "percent": int((done + failed + paused) * 100 / total) if total else 100,
        }
