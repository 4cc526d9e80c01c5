"""Data import: every page, full contact and address data, linking by email then name, never twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tanto.contacts.models import Address, Customer, Supplier
from tanto.integrations.quickbooks.models import ContactLink, ImportRun, ImportStatus, QuickBooksConnection
from tanto.integrations.quickbooks.tasks import import_contacts
from tests.integrations.conftest import step_url

pytestmark = pytest.mark.emulator


def _active(emu: Any, realm: str, entity: str) -> list[dict[str, Any]]:
    return [row for row in emu.control("GET", f"realms/{realm}/entities/{entity}") if row.get("Active", True)]


def _import(client: Client, workspace: Any, capture: Any) -> ImportRun:
    with capture(execute=True):
        response = client.post(step_url(workspace, "import"), {"import": "1"})
    assert response["Location"] == step_url(workspace, "import")
    return ImportRun.objects.filter(workspace=workspace).first()  # type: ignore[return-value]


@pytest.fixture
def at_import(qbo: Any, connected: Any, admin_client: Client, workspace: Any) -> Any:
    def run(
        email: str = "owner@example.com", company: str | None = "Sandbox Company UK"
    ) -> QuickBooksConnection:
        conn = connected(email, company)
        QuickBooksConnection.objects.filter(pk=conn.pk).update(
            mode="simple", sales_sync_enabled=True, sales_account_id="79", sales_account_name="Sales"
        )
        if not conn.is_us:
            from tanto.catalog.models import TaxRate
            from tanto.integrations.quickbooks.models import TaxMapping

            for rate in TaxRate.objects.filter(workspace=workspace):
                TaxMapping.objects.create(
                    connection=conn, tax_rate=rate, tax_code_id="2", tax_code_name="20.0% S"
                )
        return QuickBooksConnection.objects.get(pk=conn.pk)

    return run


def test_import_creates_customers_and_suppliers_with_addresses(
    at_import: Any, qbo: Any, admin_client: Client, workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conn = at_import()
    customers, vendors = _active(qbo, qbo.realm_uk, "Customer"), _active(qbo, qbo.realm_uk, "Vendor")
    before = (
        Customer.objects.filter(workspace=workspace).count(),
        Supplier.objects.filter(workspace=workspace).count(),
    )
    run = _import(admin_client, workspace, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE
    assert run.total == run.processed == len(customers) + len(vendors)
    assert run.created == len(customers) + len(vendors)
    assert Customer.objects.filter(workspace=workspace).count() == before[0] + len(customers)
    assert Supplier.objects.filter(workspace=workspace).count() == before[1] + len(vendors)
    sample = customers[0]
    link = ContactLink.objects.get(connection=conn, kind="customer", qbo_id=sample["Id"])
    customer = link.customer
    assert customer is not None
    assert customer.display_name == sample["DisplayName"]
    assert customer.email == sample["PrimaryEmailAddr"]["Address"]
    assert customer.phone == sample["PrimaryPhone"]["FreeFormNumber"]
    assert customer.first_name == sample["GivenName"] and customer.last_name == sample["FamilyName"]
    bill = sample["BillAddr"]
    assert (
        customer.billing_address.line1,
        customer.billing_address.city,
        customer.billing_address.postal_code,
        customer.billing_address.region,
    ) == (bill["Line1"], bill["City"], bill["PostalCode"], bill["CountrySubDivisionCode"])
    assert customer.shipping_address.line1 == sample["ShipAddr"]["Line1"]
    assert customer.shipping_address_id != customer.billing_address_id
    vendor = vendors[0]
    supplier = ContactLink.objects.get(connection=conn, kind="vendor", qbo_id=vendor["Id"]).supplier
    assert supplier is not None and supplier.name == vendor["DisplayName"]
    assert supplier.address.line1 == vendor["BillAddr"]["Line1"]
    inactive = [
        r for r in qbo.control("GET", f"realms/{qbo.realm_uk}/entities/Customer") if not r.get("Active", True)
    ]
    assert (
        inactive
        and not ContactLink.objects.filter(qbo_id__in=[r["Id"] for r in inactive], kind="customer").exists()
    )


def test_importing_again_never_duplicates(
    at_import: Any, admin_client: Client, workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    at_import()
    first = _import(admin_client, workspace, django_capture_on_commit_callbacks)
    counts = (
        Customer.objects.count(),
        Supplier.objects.count(),
        Address.objects.count(),
        ContactLink.objects.count(),
    )
    second = _import(admin_client, workspace, django_capture_on_commit_callbacks)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.pk != first.pk and second.status == ImportStatus.DONE
    assert second.created == 0 and second.already_imported == first.created
    assert counts == (
        Customer.objects.count(),
        Supplier.objects.count(),
        Address.objects.count(),
        ContactLink.objects.count(),
    )


def test_existing_contacts_are_linked_by_email_then_name(
    at_import: Any, qbo: Any, admin_client: Client, workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customers = _active(qbo, qbo.realm_uk, "Customer")
    vendors = _active(qbo, qbo.realm_uk, "Vendor")
    by_email, by_name = customers[0], customers[1]
    mine_email = Customer.objects.create(
        workspace=workspace,
        display_name="Someone we know",
        email=by_email["PrimaryEmailAddr"]["Address"].upper(),
        billing_address=Address.objects.create(),
        shipping_address=Address.objects.create(),
    )
    mine_name = Customer.objects.create(
        workspace=workspace,
        display_name=by_name["DisplayName"],
        billing_address=Address.objects.create(),
        shipping_address=Address.objects.create(),
    )
    mine_supplier = Supplier.objects.create(
        workspace=workspace, name=vendors[0]["DisplayName"].lower(), address=Address.objects.create()
    )
    conn = at_import()
    run = _import(admin_client, workspace, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert (run.linked_by_email, run.linked_by_name) == (1, 2)
    assert run.created == len(customers) + len(vendors) - 3
    assert (
        ContactLink.objects.get(connection=conn, qbo_id=by_email["Id"], kind="customer").customer
        == mine_email
    )
    assert (
        ContactLink.objects.get(connection=conn, qbo_id=by_name["Id"], kind="customer").customer == mine_name
    )
    assert (
        ContactLink.objects.get(connection=conn, qbo_id=vendors[0]["Id"], kind="vendor").supplier
        == mine_supplier
    )
    assert Customer.objects.filter(workspace=workspace, display_name=by_name["DisplayName"]).count() == 1


def test_import_reads_every_page_and_counts_requests(
    at_import: Any, qbo: Any, admin_client: Client, workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    qbo.control("POST", "seed", {"realm_id": qbo.realm_solo, "customers": 2100, "vendors": 5})
    at_import("solo@example.com", None)
    customers, vendors = _active(qbo, qbo.realm_solo, "Customer"), _active(qbo, qbo.realm_solo, "Vendor")
    before = qbo.control("GET", "stats").get(qbo.realm_solo, {}).get("requests", {})
    run = _import(admin_client, workspace, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.created == len(customers) + len(vendors)
    after = qbo.control("GET", "stats").get(qbo.realm_solo, {}).get("requests", {})
    queries = sum(after.get("POST query", {}).values()) - sum(before.get("POST query", {}).values())
    assert queries == 2 + 3 + 1  # two counts, three pages of customers, one of vendors


def test_database_backend_path(
    at_import: Any,
    admin_client: Client,
    workspace: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    at_import()
    run = _import(admin_client, workspace, django_capture_on_commit_callbacks)
    assert run.status == ImportStatus.QUEUED
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [run.pk]
    progress = admin_client.get(
        f"/w/{workspace.pk}/integrations/quickbooks/imports/{run.pk}/"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in progress
    import_contacts.call(run.pk)  # what the worker runs
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.created > 0
    done = admin_client.get(f"/w/{workspace.pk}/integrations/quickbooks/imports/{run.pk}/").content.decode()
    assert "hx-trigger" not in done and "Created" in done and ">Done<" in done
    import_contacts.call(run.pk)  # a replayed message changes nothing
    assert ImportRun.objects.get(pk=run.pk).created == run.created


def test_done_after_import_activates(
    at_import: Any, admin_client: Client, workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conn = at_import()
    _import(admin_client, workspace, django_capture_on_commit_callbacks)
    response = admin_client.post(step_url(workspace, "import"), {"done": "1"}, follow=True)
    assert "The integration is now active!" in response.content.decode()
    assert QuickBooksConnection.objects.get(pk=conn.pk).is_active


def test_a_passing_server_error_does_not_stop_the_import_and_a_lasting_one_fails_it_clearly(
    at_import: Any, qbo: Any, admin_client: Client, workspace: Any, django_capture_on_commit_callbacks: Any
) -> None:
    at_import()
    qbo.control("POST", "faults", [{"path": "/query", "kind": "http_500", "count": 1}])
    run = _import(admin_client, workspace, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.created > 0
    qbo.control("POST", "faults", [{"path": "/query", "kind": "http_503"}])
    again = _import(admin_client, workspace, django_capture_on_commit_callbacks)
    again.refresh_from_db()
    assert again.status == ImportStatus.FAILED and "temporary problem" in again.error
    page = admin_client.get(step_url(workspace, "import")).content.decode()
    assert "The import stopped" in page and ">Import again<" in page
    qbo.control("DELETE", "faults")
