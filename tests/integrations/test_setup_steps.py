"""The wizard's steps through the test client, including posting gated forms directly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tanto.catalog.models import TaxRate
from tanto.integrations.quickbooks.models import Mode, QuickBooksConnection, TaxMapping
from tests.integrations.conftest import step_url
from tests.screens import buttons

pytestmark = pytest.mark.emulator


def _reload(conn: QuickBooksConnection) -> QuickBooksConnection:
    return QuickBooksConnection.objects.get(pk=conn.pk)


def test_mode_step_offers_both_modes_with_explanations(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    connected()
    html = admin_client.get(step_url(workspace, "mode")).content.decode()
    for text in (
        "Simple Accounting",
        "Accounting with inventory",
        "expense account in QuickBooks is mapped to purchase orders",
        "inventory account in QuickBooks is mapped for purchases",
    ):
        assert text in html
    assert admin_client.post(step_url(workspace, "mode"), {"mode": "bogus"}).status_code == 200
    response = admin_client.post(step_url(workspace, "mode"), {"mode": "simple"})
    assert response["Location"] == step_url(workspace, "accounts")


def test_later_steps_are_refused_until_earlier_ones_are_done(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    connected("owner@example.com", "Sandbox Company UK")
    assert admin_client.get(step_url(workspace, "tax"))["Location"] == step_url(workspace, "mode")
    assert admin_client.post(step_url(workspace, "import"), {"done": "1"})["Location"] == step_url(
        workspace, "mode"
    )
    assert _reload(QuickBooksConnection.objects.get()).setup_completed_at is None


def test_accounts_are_read_live_and_filtered_by_type(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    connected()
    admin_client.post(step_url(workspace, "mode"), {"mode": "inventory"})
    page = admin_client.get(step_url(workspace, "accounts"))
    form = page.context["form"]
    inventory = dict(form.fields["inventory_account"].choices)
    cogs = dict(form.fields["cogs_account"].choices)
    income = dict(form.fields["income_account"].choices)
    assert "Inventory Asset" in inventory.values() and "Checking" not in inventory.values()
    assert "Cost of Goods Sold" in cogs.values() and "Inventory Asset" not in cogs.values()
    assert "Sales of Product Income" in income.values() and "Cost of Goods Sold" not in income.values()


def test_continue_is_refused_without_required_accounts(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    conn = connected()
    admin_client.post(step_url(workspace, "mode"), {"mode": "simple"})
    # Nothing enabled, then sales enabled without its account: both refused, nothing stored.
    assert admin_client.post(step_url(workspace, "accounts"), {}).status_code == 200
    refused = admin_client.post(step_url(workspace, "accounts"), {"sales_sync_enabled": "on"})
    assert refused.status_code == 200 and refused.context["form"].errors["sales_account"]
    assert not _reload(conn).sales_sync_enabled
    # An account of the wrong type is not a choice.
    form = admin_client.get(step_url(workspace, "accounts")).context["form"]
    expense_id = next(
        v for v, label in form.fields["purchase_account"].choices if label == "Cost of Goods Sold"
    )
    wrong = admin_client.post(
        step_url(workspace, "accounts"), {"sales_sync_enabled": "on", "sales_account": expense_id}
    )
    assert wrong.status_code == 200
    income_id = next(
        v for v, label in form.fields["sales_account"].choices if label == "Sales of Product Income"
    )
    ok = admin_client.post(
        step_url(workspace, "accounts"), {"sales_sync_enabled": "on", "sales_account": income_id}
    )
    assert ok["Location"] == step_url(workspace, "import")  # US: no tax step
    conn = _reload(conn)
    assert conn.sales_sync_enabled and not conn.purchase_sync_enabled
    assert (conn.sales_account_id, conn.sales_account_name) == (income_id, "Sales of Product Income")


def test_inventory_mode_needs_all_three_accounts(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    conn = connected()
    admin_client.post(step_url(workspace, "mode"), {"mode": "inventory"})
    form = admin_client.get(step_url(workspace, "accounts")).context["form"]
    pick = {
        name: form.fields[name].choices[1][0]
        for name in ("income_account", "inventory_account", "cogs_account")
    }
    partial = dict(pick, cogs_account="")
    assert admin_client.post(step_url(workspace, "accounts"), partial).status_code == 200
    assert admin_client.post(step_url(workspace, "accounts"), pick)["Location"] == step_url(
        workspace, "import"
    )
    conn = _reload(conn)
    assert conn.mode == Mode.INVENTORY and conn.sales_sync_enabled and conn.purchase_sync_enabled
    assert (
        conn.inventory_account_id == pick["inventory_account"]
        and conn.cogs_account_id == pick["cogs_account"]
    )


def _uk_to_tax_step(connected: Any, client: Client, workspace: Any) -> QuickBooksConnection:
    conn = connected("owner@example.com", "Sandbox Company UK")
    client.post(step_url(workspace, "mode"), {"mode": "simple"})
    form = client.get(step_url(workspace, "accounts")).context["form"]
    income = next(
        v for v, label in form.fields["sales_account"].choices if label == "Sales of Product Income"
    )
    assert client.post(
        step_url(workspace, "accounts"), {"sales_sync_enabled": "on", "sales_account": income}
    )["Location"] == step_url(workspace, "tax")
    return conn


def test_tax_step_preselects_by_rate_and_done_is_gated(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    conn = _uk_to_tax_step(connected, admin_client, workspace)
    page = admin_client.get(step_url(workspace, "tax"))
    form = page.context["form"]
    labels = {rate.name: form[form.field_name(rate)].value() for rate in form.rates}
    names = dict(form.fields[form.field_name(form.rates[0])].choices)
    assert names[labels["Standard VAT"]].startswith("20.0% S (sales 20%, purchases 20%)")
    assert names[labels["Reduced VAT"]].startswith("5.0% R")
    # Done posted with one rate unmapped is refused, and maps nothing.
    rate_fields = {form.field_name(r): form[form.field_name(r)].value() for r in form.rates}
    first = next(iter(rate_fields))
    refused = admin_client.post(step_url(workspace, "tax"), {**rate_fields, first: "", "done": "1"})
    assert refused.status_code == 200
    assert not TaxMapping.objects.filter(connection=conn).exists()
    done = admin_client.post(step_url(workspace, "tax"), {**rate_fields, "done": "1"})
    assert done["Location"] == step_url(workspace, "import")
    assert (
        TaxMapping.objects.filter(connection=conn).count()
        == TaxRate.objects.filter(workspace=workspace).count()
    )


def test_new_tax_rate_on_the_tax_screen_must_be_mapped_too(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    _uk_to_tax_step(connected, admin_client, workspace)
    form = admin_client.get(step_url(workspace, "tax")).context["form"]
    rate_fields = {form.field_name(r): form[form.field_name(r)].value() for r in form.rates}
    created = admin_client.post(
        step_url(workspace, "tax"),
        {**rate_fields, "add_rate": "1", "new_rate_name": "Import VAT", "new_rate_percent": "17.5"},
    )
    assert created["Location"] == step_url(workspace, "tax")
    new = TaxRate.objects.get(workspace=workspace, name="Import VAT")
    assert new.rate == Decimal("17.5")
    form = admin_client.get(step_url(workspace, "tax")).context["form"]
    assert new in form.rates and form[form.field_name(new)].value() == ""  # no 17.5 % code to guess
    assert admin_client.post(step_url(workspace, "tax"), {**rate_fields, "done": "1"}).status_code == 200
    code = next(v for v, label in form.fields[form.field_name(new)].choices if label.startswith("20.0% S"))
    done = admin_client.post(
        step_url(workspace, "tax"), {**rate_fields, form.field_name(new): code, "done": "1"}
    )
    assert done["Location"] == step_url(workspace, "import")


def test_a_no_tax_rate_is_created_and_mapped_when_missing(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    TaxRate.objects.filter(workspace=workspace, rate=0).delete()
    conn = _uk_to_tax_step(connected, admin_client, workspace)
    admin_client.get(step_url(workspace, "tax"))
    no_tax = TaxRate.objects.get(workspace=workspace, rate=0)
    assert no_tax.name == "No tax"
    assert TaxMapping.objects.get(connection=conn, tax_rate=no_tax).tax_code_name == "0.0% Z"
    admin_client.get(step_url(workspace, "tax"))
    assert TaxRate.objects.filter(workspace=workspace, rate=0).count() == 1


def test_us_company_has_no_tax_step(qbo: Any, connected: Any, admin_client: Client, workspace: Any) -> None:
    connected()
    admin_client.post(step_url(workspace, "mode"), {"mode": "simple"})
    assert admin_client.get(step_url(workspace, "tax")).status_code == 404
    steps = [s["step"].key for s in admin_client.get(step_url(workspace, "mode")).context["steps"]]
    assert steps == ["mode", "accounts", "import"]


def test_reconfigure_reopens_steps_prefilled(
    qbo: Any, connected: Any, admin_client: Client, workspace: Any
) -> None:
    conn = _uk_to_tax_step(connected, admin_client, workspace)
    form = admin_client.get(step_url(workspace, "tax")).context["form"]
    admin_client.post(
        step_url(workspace, "tax"),
        {**{form.field_name(r): form[form.field_name(r)].value() for r in form.rates}, "done": "1"},
    )
    admin_client.post(step_url(workspace, "import"), {"skip": "1"})
    conn = _reload(conn)
    assert conn.is_active
    tab = admin_client.get(f"/w/{workspace.pk}/integrations/").content.decode()
    assert (
        "Reconfigure" in tab and "Disconnect" in buttons(tab) and "Connect to QuickBooks" not in buttons(tab)
    )
    assert admin_client.get(step_url(workspace, "mode")).context["form"]["mode"].value() == "simple"
    accounts = admin_client.get(step_url(workspace, "accounts")).context["form"]
    assert accounts["sales_account"].value() == conn.sales_account_id
    assert accounts["sales_sync_enabled"].value() is True
