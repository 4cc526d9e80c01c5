"""Pushing documents to QuickBooks: claim outbox records, resolve what they refer to, send, record.

One `push()` call handles a set of record ids (one click, or a bulk selection). Records are claimed one
by one (a record someone else holds is skipped), the customers, vendors and items they refer to are
resolved together, and the documents go out singly (a single record) or through the batch endpoint.
Each outcome is classified:
  * success: the QuickBooks Id, SyncToken and number are stored; the order shows Invoiced / Billed;
  * transient (429, 5xx, timeouts): back to the queue with backoff and jitter, same request id;
  * uncertain (no answer to a write): back to the queue flagged, and the next attempt first looks for
    the document by our marker in its PrivateNote before sending anything;
  * permanent (a validation fault): Failed, with what QuickBooks said and what to do about it;
  * the connection needs reconnecting: Paused, resumed after reconnect.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tanto.integrations import outbox, ratelimit
from tanto.integrations.outbox import Kind, Outcome, State, SyncRecord
from tanto.integrations.quickbooks import company, mapping, tax_codes
from tanto.integrations.quickbooks.client import QuickBooksClient, qbo_id, quote
from tanto.integrations.quickbooks.errors import (
    AuthError,
    FaultDetail,
    PermanentError,
    QuickBooksError,
    ThrottledError,
    UncertainOutcome,
)
from tanto.integrations.quickbooks.models import ContactKind, Mode, QuickBooksConnection
from tanto.integrations.quickbooks.references import (
    Accounts,
    ContactResolver,
    ItemResolver,
    batch,
    fault_code,
    fault_message,
)
from tanto.purchasing.models import PurchaseOrder
from tanto.sales.models import Fulfilment, SalesOrder

logger = logging.getLogger(__name__)

PROVIDER = "quickbooks"
CUSTOMERS, VENDORS = str(ContactKind.CUSTOMER), str(ContactKind.VENDOR)
ENTITY = {Kind.INVOICE: "Invoice", Kind.BILL: "Bill", Kind.COGS: "JournalEntry"}
MAX_BACKOFF_SECONDS = 300
REFERENCE_FAULTS = {"610", "2500"}  # an inactive or unknown customer, vendor or item


# QuickBooks times its windows by when requests arrive, we by when they leave; a little slack keeps network
# jitter from making two requests a window apart look closer together than that.
WINDOW_SLACK_SECONDS = 0.3


def _limits() -> ratelimit.Limits:
    limits = ratelimit.limits_from_settings()
    return dataclasses.replace(limits, window_seconds=limits.window_seconds + WINDOW_SLACK_SECONDS)


class LeaseLost(Exception):
    """Our claim on the records about to be sent ran out while we waited; another worker has them now."""


class LimitedClient(QuickBooksClient):
    """Every request waits for a slot in the company's limits, shared by all workers. A document-creating
    request then checks, at the last moment, that this worker still holds its records (`guard`): waiting
    for a slot can outlast a lease, and a record another worker took over must not be sent twice."""

    guard: Callable[[], bool] | None = None

    def _send(
        self, bearer: str, method: str, url: str, query: dict[str, str], json: Any, *args: Any, **kwargs: Any
    ) -> httpx.Response:
        key = limit_key(self.connection.realm_hash)
        is_batch = url.rstrip("/").endswith("/batch")
        # QuickBooks counts each operation of a batch against the per-minute limit.
        cost = len(json.get("BatchItemRequest") or []) if is_batch and isinstance(json, dict) else 1
        # Never wait for a slot longer than half our lease on the records: past that, they go back to the
        # queue (RateLimitWait) rather than risk another worker taking them over while we wait.
        max_wait = min(300.0, outbox.lease().total_seconds() / 2)
        # A company QuickBooks asked to slow down gives its records back at once (they return when the
        # pause ends): sleeping through it would keep this worker from other companies' documents.
        with ratelimit.slot(
            key, batch=is_batch, limits=_limits(), cost=max(cost, 1), max_wait=max_wait, wait_out_pause=False
        ):
            if self.guard is not None and not self.guard():
                raise LeaseLost()
            return super()._send(bearer, method, url, query, json, *args, **kwargs)


# -- snapshots: the orders as mapping's plain data --


def _address(address: Any) -> mapping.Address | None:
    if address is None:
        return None
    return mapping.Address(
        address.line1, address.line2, address.city, address.region, address.postal_code, address.country
    )


def _rate(rate: Any) -> tuple[int | None, Any]:
    return (rate.pk, rate.rate) if rate is not None else (None, 0)


def _rows(order: SalesOrder | PurchaseOrder) -> list[mapping.Row]:
    """The order's rows as the mapping takes them (purchase rows carry no discount)."""
    rows = []
    for row in order.rows.all():
        rate_id, percent = _rate(row.tax_rate)
        rows.append(
            mapping.Row(
                row.variant_id,
                row.variant.label.split(" · ", 1)[-1],
                row.quantity,
                row.price,
                getattr(row, "discount_percent", Decimal(0)),
                rate_id,
                percent,
            )
        )
    return rows


def sales_snapshot(order: SalesOrder, marker: str) -> mapping.Order:
    shipping_rate_id, shipping_percent = _rate(order.shipping_tax_rate)
    return mapping.Order(
        number=order.number,
        created_date=order.created_date,
        currency=order.currency,
        conversion_rate=order.conversion_rate,
        rows=_rows(order),
        shipping_fee=order.shipping_fee,
        shipping_tax_rate_id=shipping_rate_id,
        shipping_tax_rate_percent=shipping_percent,
        billing=_address(order.billing_address),
        shipping=_address(order.shipping_address),
        marker=marker,
    )


def purchase_snapshot(order: PurchaseOrder, marker: str) -> mapping.Order:
    return mapping.Order(
        number=order.number,
        created_date=order.created_date,
        currency=order.currency,
        conversion_rate=order.conversion_rate,
        rows=_rows(order),
        marker=marker,
    )


def delivery_snapshot(fulfilment: Fulfilment, marker: str) -> mapping.Delivery:
    return mapping.Delivery(
        fulfilment.order.number, fulfilment.delivered_on, fulfilment.delivered_cost, marker
    )


def company_rules(conn: QuickBooksConnection, client: QuickBooksClient) -> mapping.CompanyRules:
    sales_codes, purchase_codes = ({}, {}) if conn.is_us else tax_codes.mapped_codes(conn, client)
    return mapping.CompanyRules(
        is_us=conn.is_us,
        home_currency=conn.home_currency,
        multi_currency=conn.multi_currency_enabled,
        custom_txn_numbers=conn.custom_txn_numbers,
        inventory_mode=conn.mode == Mode.INVENTORY,
        sales_account_id=conn.sales_account_id,
        purchase_account_id=conn.purchase_account_id,
        inventory_account_id=conn.inventory_account_id,
        cogs_account_id=conn.cogs_account_id,
        sales_tax_codes=sales_codes,
        purchase_tax_codes=purchase_codes,
    )


# -- the push --


@dataclass
class Job:
    """One claimed record on its way out."""

    record: SyncRecord
    payload: dict[str, Any] | None = None
    started: float = 0.0


def push(record_ids: Sequence[int]) -> None:
    """Pushes whatever of these records is due; the rest is someone else's or done already."""
    claimed = outbox.claim_many(record_ids)
    by_connection: dict[int, list[SyncRecord]] = {}
    for record in claimed:
        by_connection.setdefault(record.connection_id, []).append(record)
    for connection_id, records in by_connection.items():
        conn = QuickBooksConnection.objects.select_related("workspace").filter(pk=connection_id).first()
        if conn is None or not conn.is_active:
            for record in records:
                _pause(record, "The QuickBooks connection needs to be reconnected (Settings → Integrations).")
            continue
        Pusher(conn).run(records)


class Pusher:
    def __init__(self, conn: QuickBooksConnection) -> None:
        self.conn = conn

    def run(self, records: list[SyncRecord]) -> None:
        try:
            with LimitedClient(self.conn) as client:
                assert isinstance(client, LimitedClient)
                self.client: LimitedClient = client
                company.refresh_if_stale(self.conn, client)
                self.rules = company_rules(self.conn, client)
                for kind in (Kind.INVOICE, Kind.BILL, Kind.COGS):
                    jobs = [Job(r) for r in records if r.kind == kind and not self._already_there(r)]
                    if jobs:
                        self._send(kind, self._prepare(kind, jobs))
        except ratelimit.RateLimitWait as wait:
            for record in records:
                _requeue_if_held(
                    record, wait.seconds, "Waiting for QuickBooks' request limit for this company."
                )
        except AuthError:
            for record in records:
                _pause_if_held(
                    record, "The QuickBooks connection needs to be reconnected (Settings → Integrations)."
                )
        except QuickBooksError as exc:
            # Failed before these documents went out (reading tax codes, resolving references); records
            # already settled in this run are not ours to touch any more.
            for record in outbox.still_held(records):
                _settle_failure(record, exc, "GET/POST (references)", 0)

    # Uncertain outcomes: look before sending again.
    def _already_there(self, record: SyncRecord) -> bool:
        if not record.outcome_unknown:
            return False
        entity = ENTITY[record.kind]
        started = time.monotonic()
        found = self._find_by_marker(entity, record)
        if found is None:
            return False
        _succeed(
            record,
            found,
            f"SELECT {entity} by marker",
            started,
            outcome=Outcome.FOUND,
            intuit_tid=self.client.last_intuit_tid,
            then=lambda: self._after_success(record),
        )
        return True

    def _find_by_marker(self, entity: str, record: SyncRecord) -> dict[str, Any] | None:
        date = _txn_date(record)
        marker = f"tanto:{record.request_id}"
        where = f"TxnDate = {quote(date)}" if date else ""
        for page in self.client.pages(entity, where):
            for row in page:
                if marker in str(row.get("PrivateNote", "")) and qbo_id(row.get("Id")):
                    return row
        return None

    def _prepare(self, kind: str, jobs: list[Job]) -> list[Job]:
        """Builds each payload; an order that cannot be sent as it is fails now, with the reason."""
        builders = {Kind.INVOICE: self._invoices, Kind.BILL: self._bills, Kind.COGS: self._journals}
        build = builders[kind](jobs)
        ready = []
        for job in jobs:
            try:
                job.payload = build(job.record)
            except mapping.MappingError as exc:
                _fail(job.record, str(exc), "", "checked before sending", 0)
                continue
            if job.payload is None:  # a journal entry for a delivery that cost nothing
                _succeed(job.record, {}, "nothing to post", time.monotonic(), outcome=Outcome.SUCCESS)
                continue
            ready.append(job)
        return ready

    def _invoices(self, jobs: list[Job]) -> Callable[[SyncRecord], dict[str, Any] | None]:
        by_id = _sales_orders([j.record.sales_order_id for j in jobs])
        orders = {j.record.pk: by_id[j.record.sales_order_id] for j in jobs}
        resolver = ContactResolver(self.client, CUSTOMERS, self._currency)
        customers = resolver.resolve([o.customer for o in orders.values()])
        variants = [row.variant for o in orders.values() for row in o.rows.all()]
        items = self._items(variants, shipping=any(o.shipping_fee for o in orders.values()))

        def build(record: SyncRecord) -> dict[str, Any]:
            order = orders[record.pk]
            snapshot = sales_snapshot(order, record.request_id)
            return mapping.invoice(snapshot, customers[order.customer_id], items, self.rules)

        return build

    def _bills(self, jobs: list[Job]) -> Callable[[SyncRecord], dict[str, Any] | None]:
        by_id = _purchase_orders([j.record.purchase_order_id for j in jobs])
        orders = {j.record.pk: by_id[j.record.purchase_order_id] for j in jobs}
        vendors = ContactResolver(self.client, VENDORS, self._currency).resolve(
            [o.supplier for o in orders.values()]
        )

        def build(record: SyncRecord) -> dict[str, Any]:
            order = orders[record.pk]
            return mapping.bill(
                purchase_snapshot(order, record.request_id), vendors[order.supplier_id], self.rules
            )

        return build

    def _journals(self, jobs: list[Job]) -> Callable[[SyncRecord], dict[str, Any] | None]:
        def build(record: SyncRecord) -> dict[str, Any] | None:
            return mapping.cogs_journal(delivery_snapshot(_fulfilment(record), record.request_id), self.rules)

        return build

    def _items(self, variants: list[Any], shipping: bool) -> dict[int, str]:
        accounts = Accounts(
            income=self.conn.sales_account_id,
            expense=self.conn.inventory_account_id
            if self.rules.inventory_mode
            else self.conn.purchase_account_id or self.conn.cogs_account_id,
        )
        return ItemResolver(self.client, accounts).resolve(variants, shipping=shipping)

    def _currency(self, contact: Any) -> str | None:
        currency = contact.currency or self.conn.workspace.base_currency
        if not self.conn.multi_currency_enabled or currency == self.conn.home_currency:
            return None
        return str(currency)

    def _send(self, kind: str, jobs: list[Job]) -> None:
        entity = ENTITY[kind]
        if len(jobs) == 1:
            self._guarded(jobs, lambda held: self._send_one(entity, held[0]))
            return
        for start in range(0, len(jobs), 30):
            self._guarded(jobs[start : start + 30], lambda held: self._send_batch(entity, held))

    def _guarded(self, jobs: list[Job], send: Callable[[list[Job]], None]) -> None:
        """Sends while the lease on these records holds; records lost to another worker are left to it."""
        records = [j.record for j in jobs]
        self.client.guard = lambda: outbox.renew(records)
        try:
            send(jobs)
        except LeaseLost:
            held = {r.pk for r in outbox.still_held(records)}
            logger.warning("quickbooks.push.lease_lost records=%s", len(jobs) - len(held))
            if held and len(held) < len(jobs):
                self._guarded([j for j in jobs if j.record.pk in held], send)
        finally:
            self.client.guard = None

    def _send_one(self, entity: str, job: Job) -> None:
        request = f"POST /{entity.lower()}?requestid={job.record.request_id}"
        started = time.monotonic()
        try:
            assert job.payload is not None
            body = self.client.post(entity.lower(), job.payload, request_id=job.record.request_id)
        except QuickBooksError as exc:
            _settle_failure(job.record, exc, request, started, intuit_tid=self.client.last_intuit_tid)
            self._maybe_forget_references(job.record, exc.code)
            return
        document = body.get(entity)
        if not isinstance(document, dict) or not qbo_id(document.get("Id")):
            _settle_failure(
                job.record, UncertainOutcome("QuickBooks answered without the document."), request, started
            )
            return
        _succeed(
            job.record,
            document,
            request,
            started,
            intuit_tid=self.client.last_intuit_tid,
            then=lambda: self._after_success(job.record),
        )

    def _send_batch(self, entity: str, jobs: list[Job]) -> None:
        # The same set of records always gets the same batch request id, so a retried batch is answered
        # from QuickBooks' memory instead of being applied twice.
        request_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(sorted(j.record.request_id for j in jobs))))
        request = f"POST /batch?requestid={request_id} ({len(jobs)} {entity})"
        started = time.monotonic()
        operations = [{"operation": "create", entity: j.payload} for j in jobs]
        try:
            answers = batch(self.client, operations, request_id=request_id)
        except QuickBooksError as exc:
            for job in jobs:
                _settle_failure(job.record, exc, request, started, intuit_tid=self.client.last_intuit_tid)
            return
        done: list[tuple[SyncRecord, dict[str, Any]]] = []
        for job, answer in zip(jobs, answers, strict=True):
            document = answer.get(entity)
            if isinstance(document, dict) and qbo_id(document.get("Id")):
                done.append((job.record, document))
            elif answer.get("Fault"):
                code = fault_code(answer)
                detail = FaultDetail(code=code, message=fault_message(answer))
                error = PermanentError(f"{detail.message} (code {code})", status=400, faults=(detail,))
                _settle_failure(job.record, error, request, started, intuit_tid=self.client.last_intuit_tid)
                self._maybe_forget_references(job.record, code)
            else:
                _settle_failure(
                    job.record,
                    UncertainOutcome("QuickBooks left this document out of its answer."),
                    request,
                    started,
                )
        if done:
            _succeed_many(
                done,
                request,
                started,
                self.client.last_intuit_tid,
                then=lambda: self._after_success(*(record for record, _ in done)),
            )

    def _maybe_forget_references(self, record: SyncRecord, code: str) -> None:
        """A customer, vendor or item made inactive in QuickBooks: drop our links, match again, once."""
        if code not in REFERENCE_FAULTS or record.attempt_count > 3:
            return
        if record.kind == Kind.INVOICE:
            order = _sales_order(record)
            ContactResolver(self.client, CUSTOMERS, self._currency).forget([order.customer_id])
            ItemResolver(self.client, Accounts("", "")).forget([row.variant_id for row in order.rows.all()])
        elif record.kind == Kind.BILL:
            ContactResolver(self.client, VENDORS, self._currency).forget(
                [_purchase_order(record).supplier_id]
            )
        else:
            return
        if outbox.retry(record):
            enqueue([record.pk])

    def _after_success(self, *records: SyncRecord) -> None:
        """Invoiced orders in inventory mode book the cost of what they delivered, once per delivery.
        Runs in the transaction that records the invoices, so a worker dying in between cannot leave an
        invoice recorded and its cost of goods never asked for."""
        invoiced = [r.sales_order_id for r in records if r.kind == Kind.INVOICE]
        if invoiced and self.rules.inventory_mode:
            request_cogs(self.conn, invoiced)


# -- outcomes --


def _attempt(record: SyncRecord, request: str, started: float, outcome: str, **fields: Any) -> None:
    outbox.SyncAttempt.objects.create(
        record=record,
        request=request[:200],
        outcome=outcome,
        duration_ms=int((time.monotonic() - started) * 1000) if started else 0,
        **fields,
    )


SUCCESS_FIELDS = [
    "state",
    "outcome_unknown",
    "remote_id",
    "remote_number",
    "remote_sync_token",
    "synced_at",
    "error_message",
    "error_hint",
]


def _mark_synced(record: SyncRecord, document: dict[str, Any]) -> None:
    record.state, record.outcome_unknown = State.SYNCED, False
    record.remote_id = qbo_id(document.get("Id"))
    record.remote_number = str(document.get("DocNumber", ""))[:40]
    record.remote_sync_token = str(document.get("SyncToken", ""))[:20]
    record.synced_at, record.error_message, record.error_hint = timezone.now(), "", ""


def _succeed_many(
    done: list[tuple[SyncRecord, dict[str, Any]]],
    request: str,
    started: float,
    tid: str,
    then: Callable[[], None] | None = None,
) -> None:
    """The documents of one batch answer: recorded together (one UPDATE and one INSERT, not one per row),
    and `then` in the same transaction."""
    duration = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        for record, document in done:
            _mark_synced(record, document)
        outbox.release_many([record for record, _ in done], SUCCESS_FIELDS)
        outbox.SyncAttempt.objects.bulk_create(
            [
                outbox.SyncAttempt(
                    record=record,
                    request=request[:200],
                    outcome=Outcome.SUCCESS,
                    duration_ms=duration,
                    http_status=200,
                    intuit_tid=tid,
                    message=f"QuickBooks {ENTITY[record.kind]} {doc['Id']}",
                )
                for record, doc in done
            ]
        )
        if then is not None:
            then()


def _succeed(
    record: SyncRecord,
    document: dict[str, Any],
    request: str,
    started: float,
    outcome: str = Outcome.SUCCESS,
    intuit_tid: str = "",
    then: Callable[[], None] | None = None,
) -> None:
    """Records the document as synced, and `then` in the same transaction."""
    with transaction.atomic():
        held = outbox.release(
            record,
            state=State.SYNCED,
            outcome_unknown=False,
            remote_id=qbo_id(document.get("Id")),
            remote_number=str(document.get("DocNumber", ""))[:40],
            remote_sync_token=str(document.get("SyncToken", ""))[:20],
            synced_at=timezone.now(),
            error_message="",
            error_hint="",
        )
        _attempt(
            record,
            request,
            started,
            outcome,
            http_status=200,
            intuit_tid=intuit_tid,
            message=f"QuickBooks {ENTITY[record.kind]} {document.get('Id', '')}" if document else "",
        )
        if then is not None:
            then()
    if not held:
        logger.warning("quickbooks.push.lease_lost record=%s", record.pk)


def _fail(record: SyncRecord, message: str, hint: str, request: str, started: float, **fields: Any) -> None:
    with transaction.atomic():
        outbox.release(record, state=State.FAILED, error_message=message, error_hint=hint)
        _attempt(record, request, started, Outcome.PERMANENT, message=message, **fields)
    # The refusal may come from a setting changed in QuickBooks since we last read them.
    company.mark_stale(record.connection_id)


def _pause(record: SyncRecord, message: str) -> None:
    outbox.release(record, state=State.PAUSED, error_message=message, error_hint="")


def _pause_if_held(record: SyncRecord, message: str) -> None:
    if SyncRecord.objects.filter(pk=record.pk, lease_token=record.lease_token, state=State.SENDING).exists():
        _pause(record, message)


def _requeue_if_held(record: SyncRecord, seconds: float, message: str) -> None:
    if SyncRecord.objects.filter(pk=record.pk, lease_token=record.lease_token, state=State.SENDING).exists():
        _requeue(record, seconds, message)


def _requeue(record: SyncRecord, seconds: float, message: str, **extra: Any) -> None:
    when = timezone.now() + timedelta(seconds=seconds)
    outbox.release(record, state=State.QUEUED, next_attempt_at=when, error_message=message, **extra)
    enqueue([record.pk], run_after=when)


def settle_time() -> float:
    """How long to leave a request we got no answer to before looking for what it made. QuickBooks may
    still be working on it after we stopped waiting (a stalled request is applied late); a lookup before it
    finishes finds nothing, and the resend would make the document twice. Twice our own timeout."""
    return 2 * float(settings.QBO_HTTP_TIMEOUT_SECONDS)


def backoff(attempts: int) -> float:
    """Exponential, capped, with jitter so that many failed records do not all come back at once."""
    cap = float(getattr(settings, "SYNC_MAX_BACKOFF_SECONDS", MAX_BACKOFF_SECONDS))
    return min(cap, 2.0 ** min(attempts, 9)) * random.uniform(0.5, 1.0)


def _settle_failure(
    record: SyncRecord, exc: QuickBooksError, request: str, started: float, intuit_tid: str = ""
) -> None:
    fields = {
        "http_status": exc.status,
        "fault_code": exc.code[:20],
        "intuit_tid": intuit_tid or exc.intuit_tid,
    }
    if isinstance(exc, AuthError):
        _attempt(record, request, started, Outcome.AUTH, message=exc.message, **fields)
        _pause(record, "The QuickBooks connection needs to be reconnected (Settings → Integrations).")
    elif isinstance(exc, UncertainOutcome):
        _attempt(record, request, started, Outcome.UNCERTAIN, message=exc.message, **fields)
        _requeue(
            record,
            max(backoff(record.attempt_count) / 4, settle_time()),
            "No answer from QuickBooks; checking before retrying.",
            outcome_unknown=True,
        )
    elif isinstance(exc, ThrottledError):
        # Intuit asks for 60 s after a 429; time-compressed runs (the soak) may shorten that.
        pause_for = min(exc.retry_after, float(getattr(settings, "QBO_THROTTLE_PAUSE_MAX_SECONDS", 600)))
        ratelimit.pause(limit_key(record_realm_hash(record)), pause_for)
        _attempt(record, request, started, Outcome.TRANSIENT, message=exc.message, **fields)
        _requeue(record, pause_for, "QuickBooks asked us to slow down; retrying shortly.")
    elif exc.kind == "transient":
        _attempt(record, request, started, Outcome.TRANSIENT, message=exc.message, **fields)
        _requeue(record, backoff(record.attempt_count), f"Retrying: {exc.message}")
    else:
        message, hint = explain(exc)
        _fail(record, message, hint, request, started, **fields)


def limit_key(realm_hash: str) -> str:
    """QuickBooks' limits are per company; the shared limiter's table keys them by the id's keyed hash."""
    return f"{PROVIDER}:{realm_hash[:32]}"


def record_realm_hash(record: SyncRecord) -> str:
    return str(QuickBooksConnection.objects.values_list("realm_hash", flat=True).get(pk=record.connection_id))


HINTS = {
    "6140": "QuickBooks already has a document with this number. Change the order number in Tanto, or turn "
    "off custom transaction numbers in QuickBooks, then Retry.",
    "6000": "Check that every tax rate on the order is mapped to a QuickBooks tax code (Settings → "
    "Integrations → Reconfigure), then Retry.",
    "610": "A customer, vendor or item was made inactive in QuickBooks. Make it active again, or Retry to "
    "match it anew.",
    "2500": "Something the document refers to no longer exists in QuickBooks. Retry to match it anew.",
    "6240": "A contact with this name exists in QuickBooks as another kind of contact. Rename one of them, "
    "then Retry.",
    "2020": "QuickBooks is missing a required value; check the order and the account mapping, then Retry.",
    "6070": "QuickBooks recomputed a line differently. Check the quantities and prices, then Retry.",
}


def explain(exc: QuickBooksError) -> tuple[str, str]:
    """What went wrong in plain words, and what the user can do about it."""
    hint = HINTS.get(exc.code, "Fix what QuickBooks says above in Tanto or in QuickBooks, then Retry.")
    return f"QuickBooks refused it: {exc.message}", hint


# -- lookups --


def _sales_order(record: SyncRecord) -> SalesOrder:
    return _sales_orders([record.sales_order_id])[record.sales_order_id]


def _purchase_order(record: SyncRecord) -> PurchaseOrder:
    return _purchase_orders([record.purchase_order_id])[record.purchase_order_id]


def _sales_orders(ids: list[int]) -> dict[int, SalesOrder]:
    orders = SalesOrder.objects.select_related(
        "customer__billing_address",
        "customer__shipping_address",
        "billing_address",
        "shipping_address",
        "shipping_tax_rate",
    ).prefetch_related("rows__variant__product", "rows__tax_rate")
    return {order.pk: order for order in orders.filter(pk__in=ids)}


def _purchase_orders(ids: list[int]) -> dict[int, PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("supplier__address").prefetch_related(
        "rows__variant__product", "rows__tax_rate"
    )
    return {order.pk: order for order in orders.filter(pk__in=ids)}


def _fulfilment(record: SyncRecord) -> Fulfilment:
    return Fulfilment.objects.select_related("order").prefetch_related("rows").get(pk=record.fulfilment_id)


def _txn_date(record: SyncRecord) -> str:
    if record.kind == Kind.INVOICE and record.sales_order_id:
        return (
            SalesOrder.objects.values_list("created_date", flat=True)
            .get(pk=record.sales_order_id)
            .isoformat()
        )
    if record.kind == Kind.BILL and record.purchase_order_id:
        return (
            PurchaseOrder.objects.values_list("created_date", flat=True)
            .get(pk=record.purchase_order_id)
            .isoformat()
        )
    if record.fulfilment_id:
        return (
            Fulfilment.objects.values_list("delivered_on", flat=True).get(pk=record.fulfilment_id).isoformat()
        )
    return ""


# -- requesting pushes --


def enqueue(record_ids: Sequence[int], run_after: Any = None) -> None:
    """Queues a push task once the current transaction commits (a worker must see the records)."""
    from tanto.integrations.quickbooks.sync_tasks import push_documents

    ids = list(record_ids)
    task = push_documents
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # a backend that runs tasks at once cannot wait: the sweeper picks the record up when due
        task = task.using(run_after=run_after)
    transaction.on_commit(lambda: task.enqueue(ids))


def request_documents(
    conn: QuickBooksConnection, kind: str, orders: Sequence[Any], user: Any = None
) -> list[SyncRecord]:
    records = outbox.request_push(
        workspace=conn.workspace,
        provider=PROVIDER,
        connection_id=conn.pk,
        kind=kind,
        objects=orders,
        user=user,
    )
    due = [r.pk for r in records if r.state == State.QUEUED]
    for start in range(0, len(due), 300):
        enqueue(due[start : start + 300])
    return records


def request_cogs(conn: QuickBooksConnection, order_ids: Sequence[int | None]) -> None:
    deliveries = (
        Fulfilment.objects.filter(order_id__in=list(order_ids)).prefetch_related("rows").order_by("pk")
    )
    fulfilments = [f for f in deliveries if f.delivered_cost > 0]
    if fulfilments:
        request_documents(conn, Kind.COGS, fulfilments)


def on_fulfilment(sender: Any, fulfilment: Fulfilment, **kwargs: Any) -> None:
    """A delivery of an order already invoiced in inventory mode books its cost of goods now."""
    invoiced = SyncRecord.objects.filter(
        provider=PROVIDER, kind=Kind.INVOICE, sales_order_id=fulfilment.order_id, state=State.SYNCED
    ).values_list("connection_id", flat=True)
    for conn in QuickBooksConnection.objects.filter(pk__in=list(invoiced), mode=Mode.INVENTORY):
        if conn.is_active and fulfilment.delivered_cost > 0:
            with transaction.atomic():
                request_documents(conn, Kind.COGS, [fulfilment])
