"""Pushing sales orders as invoices and purchase orders as bills, against the emulator over HTTP:
what QuickBooks receives, exactly once, through faults."""

from __future__ import annotations

import datetime
import time
from decimal import Decimal
from typing import Any

import pytest

from tanto.catalog.models import TaxRate, Variant
from tanto.contacts.models import Customer, Supplier
from tanto.integrations import outbox, ratelimit
from tanto.integrations.outbox import Kind, Outcome, State, SyncRecord
from tanto.integrations.quickbooks import push
from tanto.integrations.quickbooks.models import ContactLink, Mode, TaxMapping
from tanto.purchasing.models import PurchaseOrder
from tanto.sales.fulfilment import deliver, deliver_everything
from tanto.sales.models import SalesOrder

pytestmark = pytest.mark.django_db
D = Decimal
UK_CODES = {Decimal(20): "2", Decimal(5): "3", Decimal(0): "4"}


@pytest.fixture
def active(connected: Any, qbo: Any, workspace: Any) -> Any:
    """A workspace connected and set up: accounts mapped, sync on, tax rates mapped (UK)."""

    def run(email: str = "solo@example.com", company: str | None = None, mode: str = Mode.SIMPLE) -> Any:
        conn = connected(email, company)
        conn.mode = mode
        conn.sales_sync_enabled = conn.purchase_sync_enabled = True
        conn.sales_account_id, conn.cogs_account_id, conn.inventory_account_id = "79", "80", "81"
        conn.purchase_account_id = "80"
        conn.setup_completed_at = datetime.datetime.now(datetime.UTC)
        conn.save()
        if not conn.is_us:
            for rate in TaxRate.objects.filter(workspace=workspace):
                code = UK_CODES.get(rate.rate.normalize(), "4")
                TaxMapping.objects.create(
                    connection=conn, tax_rate=rate, tax_code_id=code, tax_code_name=code
                )
        return conn

    return run


def sales_order(
    workspace: Any,
    *,
    currency: str = "GBP",
    rate: str = "1",
    rows: int = 2,
    number: str | None = None,
    customer: Customer | None = None,
    shipping: str | None = None,
) -> SalesOrder:
    customer = customer or Customer.objects.filter(workspace=workspace).order_by("pk").first()
    taxes = list(TaxRate.objects.filter(workspace=workspace).order_by("-rate"))
    order = SalesOrder.objects.create(
        workspace=workspace,
        number=number or SalesOrder.next_number(workspace),
        customer=customer,
        created_date=datetime.date(2026, 11, 20),
        currency=currency,
        conversion_rate=D(rate),
        billing_address=customer.billing_address.copy(),
        shipping_address=customer.shipping_address.copy(),
        shipping_fee=D(shipping) if shipping else None,
        shipping_tax_rate=taxes[0] if shipping else None,
    )
    goods = list(Variant.objects.filter(workspace=workspace, product__type="product").order_by("pk"))
    for n in range(rows):
        order.rows.create(
            variant=goods[n],
            quantity=D(n + 2),
            price=D("19.9950") + n,
            discount_percent=D(10 * n),
            tax_rate=taxes[n % len(taxes)],
            position=n,
        )
    order.refresh_totals()
    return order


def purchase_order(workspace: Any, currency: str = "GBP") -> PurchaseOrder:
    order = PurchaseOrder.objects.create(
        workspace=workspace,
        number=PurchaseOrder.next_number(workspace),
        created_date=datetime.date(2026, 11, 18),
        supplier=Supplier.objects.filter(workspace=workspace).order_by("pk").first(),
        currency=currency,
    )
    material = Variant.objects.filter(workspace=workspace, product__type="material").order_by("pk").first()
    order.rows.create(
        variant=material,
        quantity=D(10),
        price=D("24.5"),
        tax_rate=TaxRate.objects.filter(workspace=workspace, rate=20).first()
        or TaxRate.objects.filter(workspace=workspace).first(),
    )
    order.refresh_totals()
    return order


def push_now(conn: Any, kind: str, orders: list[Any]) -> list[SyncRecord]:
    records = push.request_documents(conn, kind, orders)
    push.push([r.pk for r in records])
    return [SyncRecord.objects.get(pk=r.pk) for r in records]


def due_now(record: SyncRecord) -> None:
    SyncRecord.objects.filter(pk=record.pk).update(next_attempt_at=datetime.datetime.now(datetime.UTC))


def api_requests(qbo: Any, realm: str, path: str = "") -> int:
    """Requests the emulator answered for this company (those whose path contains `path`)."""
    counted = qbo.stats(realm).get("requests", {}).items()
    return sum(sum(codes.values()) for key, codes in counted if path in key)


def invoices(qbo: Any, realm: str) -> list[dict[str, Any]]:
    return [i for i in qbo.entities("Invoice", realm)]


def test_an_invoice_reaches_quickbooks_with_customer_lines_tax_and_total(qbo, active, workspace):
    conn = active("owner@example.com", "Sandbox Company UK")
    order = sales_order(workspace, shipping="25")
    [record] = push_now(conn, Kind.INVOICE, [order])
    assert record.state == State.SYNCED, record.error_message
    [invoice] = invoices(qbo, conn.realm_id)
    assert invoice["Id"] == record.remote_id
    assert D(str(invoice["TotalAmt"])) == order.total
    assert D(str(invoice["TxnTaxDetail"]["TotalTax"])) == order.tax_total
    assert invoice["TxnDate"] == "2026-11-20" and order.number in invoice["PrivateNote"]
    assert invoice["BillAddr"]["Line1"] == order.billing_address.line1
    customer = next(
        c for c in qbo.entities("Customer", conn.realm_id) if c["Id"] == invoice["CustomerRef"]["value"]
    )
    assert customer["DisplayName"] == order.customer.display_name
    assert customer["PrimaryEmailAddr"]["Address"] == order.customer.email
    assert (
        len([ln for ln in invoice["Line"] if ln["DetailType"] == "SalesItemLineDetail"]) == 3
    )  # 2 rows + shipping


def test_a_double_click_and_a_second_worker_make_one_invoice(qbo, active, workspace):
    conn = active()
    order = sales_order(workspace, currency="USD")
    first = push.request_documents(conn, Kind.INVOICE, [order])
    second = push.request_documents(conn, Kind.INVOICE, [order])
    assert [r.pk for r in first] == [r.pk for r in second]
    [claimed] = outbox.claim_many([first[0].pk])
    assert outbox.claim_many([first[0].pk]) == []  # the other worker gets nothing
    push.Pusher(conn).run([claimed])
    push.push([first[0].pk])  # a replayed task: nothing left to do
    assert len(invoices(qbo, conn.realm_id)) == 1
    assert SyncRecord.objects.get(pk=first[0].pk).state == State.SYNCED


def test_requests_per_invoice_when_customer_and_items_are_linked(qbo, active, workspace):
    conn = active()
    push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    before = api_requests(qbo, conn.realm_id)
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert record.state == State.SYNCED
    assert api_requests(qbo, conn.realm_id) - before == 1


def test_us_totals_are_overridden_with_tantos_tax(qbo, active, workspace):
    conn = active()
    order = sales_order(workspace, currency="USD", rows=3)
    [record] = push_now(conn, Kind.INVOICE, [order])
    invoice = next(i for i in invoices(qbo, conn.realm_id) if i["Id"] == record.remote_id)
    assert D(str(invoice["TotalAmt"])) == order.total
    codes = {
        ln["SalesItemLineDetail"]["TaxCodeRef"]["value"]
        for ln in invoice["Line"]
        if ln["DetailType"] == "SalesItemLineDetail"
    }
    assert codes <= {"TAX", "NON"}


def test_a_foreign_currency_order_is_refused_before_sending_when_multicurrency_is_off(qbo, active, workspace):
    conn = active()
    qbo.settings(conn.realm_id, multi_currency=False)
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="EUR", rate="1.08")])
    assert record.state == State.FAILED and "Multicurrency" in record.error_message
    assert invoices(qbo, conn.realm_id) == []


class WorkerKilled(BaseException):
    """Stands in for SIGKILL at one exact point: nothing in the app catches it, like a dead process."""


def test_a_worker_dying_between_the_invoice_and_its_cost_of_goods_loses_neither(
    qbo, active, workspace, monkeypatch, django_capture_on_commit_callbacks
):
    conn = active("owner@example.com", "Sandbox Company UK", mode=Mode.INVENTORY)
    order = sales_order(workspace)
    for row in order.rows.all():
        row.variant.average_cost, row.variant.stock_on_hand = D("7.25"), D(100)
        row.variant.save()
    with django_capture_on_commit_callbacks(execute=True):
        deliver_everything(order, datetime.date(2026, 11, 21))

    # The invoice reaches QuickBooks; the worker dies while booking what it cost.
    def killed(*args: Any) -> None:
        raise WorkerKilled

    monkeypatch.setattr(push, "request_cogs", killed)
    with pytest.raises(WorkerKilled):
        push_now(conn, Kind.INVOICE, [order])
    assert len(invoices(qbo, conn.realm_id)) == 1
    record = SyncRecord.objects.get(kind=Kind.INVOICE)
    assert record.state == State.SENDING  # not recorded as done without its cost of goods
    monkeypatch.undo()

    # Its lease runs out; the next worker finds the invoice instead of sending it again, and books the cost.
    SyncRecord.objects.filter(pk=record.pk).update(lease_until=datetime.datetime.now(datetime.UTC))
    push.push([record.pk])
    record.refresh_from_db()
    assert record.state == State.SYNCED and record.attempts.filter(outcome=Outcome.FOUND).exists()
    [cogs] = SyncRecord.objects.filter(kind=Kind.COGS)
    push.push([cogs.pk])
    cogs.refresh_from_db()
    assert cogs.state == State.SYNCED, cogs.error_message
    assert len(invoices(qbo, conn.realm_id)) == 1 and len(qbo.entities("JournalEntry", conn.realm_id)) == 1


def test_a_bill_goes_to_the_mapped_account(qbo, active, workspace):
    conn = active("owner@example.com", "Sandbox Company UK", mode=Mode.INVENTORY)
    order = purchase_order(workspace)
    [record] = push_now(conn, Kind.BILL, [order])
    assert record.state == State.SYNCED, record.error_message
    [bill] = qbo.entities("Bill", conn.realm_id)
    assert D(str(bill["TotalAmt"])) == order.total
    assert bill["Line"][0]["AccountBasedExpenseLineDetail"]["AccountRef"]["value"] == "81"
    vendor = next(v for v in qbo.entities("Vendor", conn.realm_id) if v["Id"] == bill["VendorRef"]["value"])
    assert vendor["DisplayName"] == order.supplier.name


def test_cogs_journal_entries_once_per_delivery_in_inventory_mode(
    qbo, active, workspace, django_capture_on_commit_callbacks
):
    conn = active("owner@example.com", "Sandbox Company UK", mode=Mode.INVENTORY)
    order = sales_order(workspace)
    for row in order.rows.all():  # give the goods a cost first
        row.variant.average_cost = D("7.25")
        row.variant.stock_on_hand = D(100)
        row.variant.save()
    first_row = order.rows.order_by("position").first()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order, {first_row.pk: D(1)}, datetime.date(2026, 11, 21))
    push_now(conn, Kind.INVOICE, [order])
    cogs = SyncRecord.objects.filter(kind=Kind.COGS)
    assert cogs.count() == 1
    push.push(list(cogs.values_list("pk", flat=True)))
    with django_capture_on_commit_callbacks(execute=True):
        deliver_everything(order, datetime.date(2026, 11, 22))  # an invoiced order delivered later
    assert SyncRecord.objects.filter(kind=Kind.COGS).count() == 2
    push.push(list(SyncRecord.objects.filter(kind=Kind.COGS).values_list("pk", flat=True)))
    push.push(list(SyncRecord.objects.filter(kind=Kind.COGS).values_list("pk", flat=True)))  # replayed
    journals = qbo.entities("JournalEntry", conn.realm_id)
    assert len(journals) == 2
    costs = sorted(f.delivered_cost for f in order.fulfilments.all())
    amounts = []
    for journal in journals:
        debit = sum(
            D(str(ln["Amount"]))
            for ln in journal["Line"]
            if ln["JournalEntryLineDetail"]["PostingType"] == "Debit"
        )
        credit = sum(
            D(str(ln["Amount"]))
            for ln in journal["Line"]
            if ln["JournalEntryLineDetail"]["PostingType"] == "Credit"
        )
        assert debit == credit
        amounts.append(debit)
    assert sorted(amounts) == costs


def test_transient_faults_are_retried_with_the_same_request_id(qbo, active, workspace):
    conn = active()
    qbo.faults({"method": "POST", "entity": "Invoice", "kind": "http_503", "count": 2})
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert record.state == State.QUEUED and "Retrying" in record.error_message
    request_id = record.request_id
    for _ in range(2):
        due_now(record)
        push.push([record.pk])
    record.refresh_from_db()
    assert record.state == State.SYNCED and record.request_id == request_id
    outcomes = list(record.attempts.order_by("started_at").values_list("outcome", flat=True))
    assert outcomes == [Outcome.TRANSIENT, Outcome.TRANSIENT, Outcome.SUCCESS]
    assert len(invoices(qbo, conn.realm_id)) == 1


def test_a_dropped_answer_is_resolved_by_looking_the_invoice_up(qbo, active, workspace):
    conn = active()
    qbo.faults({"method": "POST", "entity": "Invoice", "kind": "drop_after_commit", "count": 1})
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert record.state == State.QUEUED and record.outcome_unknown
    assert len(invoices(qbo, conn.realm_id)) == 1  # QuickBooks did save it
    due_now(record)
    push.push([record.pk])
    record.refresh_from_db()
    assert record.state == State.SYNCED and record.attempts.filter(outcome=Outcome.FOUND).exists()
    assert len(invoices(qbo, conn.realm_id)) == 1


def test_a_request_quickbooks_applies_after_we_gave_up_is_found_not_sent_again(
    qbo, active, workspace, settings
):
    settings.QBO_HTTP_TIMEOUT_SECONDS = 0.5
    conn = active()
    # QuickBooks sits on the request past our timeout, then saves the invoice anyway.
    qbo.faults({"method": "POST", "entity": "Invoice", "kind": "stall", "ms": 1300, "count": 1})
    before = datetime.datetime.now(datetime.UTC)
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert record.state == State.QUEUED and record.outcome_unknown
    # The lookup waits twice our timeout after we gave up (so 1.5 s after sending at the earliest): looking,
    # and resending, while QuickBooks still works on it (until 1.3 s) would make the invoice twice.
    assert record.next_attempt_at >= before + datetime.timedelta(seconds=0.5 + 2 * 0.5)

    while datetime.datetime.now(datetime.UTC) < record.next_attempt_at:
        time.sleep(0.05)  # polling the clock: the retry runs when it is due, not before
    push.push([record.pk])
    record.refresh_from_db()
    assert record.state == State.SYNCED and record.attempts.filter(outcome=Outcome.FOUND).exists()
    assert len(invoices(qbo, conn.realm_id)) == 1


def test_a_paused_company_gives_its_records_back_instead_of_holding_the_worker(qbo, active, workspace):
    conn = active()
    ratelimit.pause(push.limit_key(conn.realm_hash), 30)  # shorter than the longest a worker would wait
    sent = api_requests(qbo, conn.realm_id)
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert record.state == State.QUEUED and not record.outcome_unknown
    assert record.next_attempt_at > datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=25)
    assert api_requests(qbo, conn.realm_id) == sent  # nothing went out while QuickBooks asked for quiet


def test_a_429_pauses_the_company_not_the_worker(qbo, active, workspace):
    conn = active()
    qbo.faults({"method": "POST", "entity": "Invoice", "kind": "throttle", "count": 1})
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert record.state == State.QUEUED
    assert ratelimit.paused_for(push.limit_key(conn.realm_hash)) > 30
    assert record.next_attempt_at > datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=30)
    assert ratelimit.paused_for("quickbooks:some-other-company") == 0


def test_a_validation_fault_is_shown_and_retried_after_fixing(qbo, active, workspace):
    conn = active("owner@example.com", "Sandbox Company UK")
    qbo.settings(conn.realm_id, custom_txn_numbers=True)
    conn.custom_txn_numbers = True
    conn.save()
    first = sales_order(workspace, number="SO-7777")
    push_now(conn, Kind.INVOICE, [first])
    # QuickBooks now has invoice SO-7777; the first order is renumbered in Tanto and a new one takes its old
    # number, which QuickBooks refuses as a duplicate.
    SalesOrder.objects.filter(pk=first.pk).update(number="SO-7000")
    clash = sales_order(workspace, number="SO-7777")
    [record] = push_now(conn, Kind.INVOICE, [clash])
    assert record.state == State.FAILED
    assert "6140" in record.error_message and "Change the order number" in record.error_hint
    SalesOrder.objects.filter(pk=clash.pk).update(number="SO-7778")
    assert outbox.retry(record)
    push.push([record.pk])
    record.refresh_from_db()
    assert record.state == State.SYNCED and record.remote_number == "SO-7778", record.error_message


def test_existing_quickbooks_customers_are_matched_by_email_then_name(qbo, active, workspace):
    conn = active()
    remote = qbo.entities("Customer", conn.realm_id)
    target = next(c for c in remote if c.get("PrimaryEmailAddr") and c.get("Active", True))
    customer = Customer.objects.filter(workspace=workspace).first()
    customer.email = target["PrimaryEmailAddr"]["Address"]
    customer.save()
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD", customer=customer)])
    assert record.state == State.SYNCED
    link = ContactLink.objects.get(connection=conn, customer=customer)
    assert link.qbo_id == target["Id"]
    assert len(qbo.entities("Customer", conn.realm_id)) == len(remote)  # nobody new


def test_a_name_taken_by_a_vendor_gets_a_predictable_suffix(qbo, active, workspace):
    conn = active()
    vendor = next(v for v in qbo.entities("Vendor", conn.realm_id) if v.get("Active", True))
    customer = Customer.objects.filter(workspace=workspace).first()
    customer.display_name, customer.email = vendor["DisplayName"], "someone.new@example.com"
    customer.save()
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD", customer=customer)])
    assert record.state == State.SYNCED, record.error_message
    names = [c["DisplayName"] for c in qbo.entities("Customer", conn.realm_id)]
    assert f"{vendor['DisplayName']} (customer)" in names


def test_needs_reconnect_pauses_and_retry_resumes(qbo, active, workspace):
    conn = active()
    conn.status = "needs_reconnect"
    conn.save()
    [record] = push_now(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    assert record.state == State.PAUSED
    conn.status = "connected"
    conn.save()
    assert outbox.retry(record)
    push.push([record.pk])
    record.refresh_from_db()
    assert record.state == State.SYNCED


def test_bulk_push_uses_batches_and_makes_one_document_per_order(qbo, active, workspace):
    conn = active()
    orders = [sales_order(workspace, currency="USD") for _ in range(40)]
    before = api_requests(qbo, conn.realm_id)
    records = push_now(conn, Kind.INVOICE, orders)
    assert {r.state for r in records} == {State.SYNCED}
    assert len(invoices(qbo, conn.realm_id)) == 40
    requests = qbo.stats(conn.realm_id)["requests"]
    assert sum(requests.get("POST batch", {}).values()) == 2  # 40 invoices: two batches of up to 30
    assert (
        api_requests(qbo, conn.realm_id) - before <= 10
    )  # and a few requests to match and create references


def test_a_worker_whose_lease_ran_out_does_not_send_what_another_took_over(qbo, active, workspace):
    conn = active()
    [record] = push.request_documents(conn, Kind.INVOICE, [sales_order(workspace, currency="USD")])
    [slow] = outbox.claim_many([record.pk])  # worker A claims, then stalls past its lease
    SyncRecord.objects.filter(pk=record.pk).update(lease_until=datetime.datetime.now(datetime.UTC))
    [fresh] = outbox.claim_many([record.pk])  # worker B takes the record over
    push.Pusher(conn).run([slow])  # A wakes up: it must not send
    assert invoices(qbo, conn.realm_id) == []
    push.Pusher(conn).run([fresh])
    assert len(invoices(qbo, conn.realm_id)) == 1
    assert SyncRecord.objects.get(pk=record.pk).state == State.SYNCED
