"""Tenancy: every workspace URL, asked by a member of another workspace, answers 404 and changes nothing.

The URL list is read from the URLconf, so a new URL is covered (or fails here until its object is known).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tanto.catalog.models import TaxRate
from tests.objects import one_of_each
from tests.url_inventory import PK_MODELS, model_for, placeholder, workspace_urls


def snapshot(workspace: Any) -> dict[str, Any]:
    return {
        model.__name__: sorted(
            model.objects.filter(workspace=workspace).values_list(
                "pk", "updated_at" if hasattr(model, "updated_at") else "pk"
            )
        )
        for model in {*PK_MODELS.values()}
    } | {"name": workspace.__class__.objects.get(pk=workspace.pk).name}


@pytest.fixture
def victim(make_user, make_workspace):
    return one_of_each(make_workspace(make_user("victim@example.com"), name="Victim Ltd"))


def test_the_url_list_is_not_empty():
    names = [name for name, _ in workspace_urls()]
    assert {
        "sales:list",
        "purchasing:detail",
        "contacts:customer_delete",
        "settings:tax_rate_archive",
    } <= set(names)


@pytest.mark.django_db
def test_outsiders_get_404_on_every_workspace_url(client, make_user, make_workspace, victim):
    outsider = make_user("outsider@example.com")
    own = make_workspace(outsider, name="Outsider Co")
    client.force_login(outsider)
    before = snapshot(victim)
    checked = 0
    for name, kwargs in workspace_urls():
        args: dict[str, Any] = {"ws": victim.pk}
        if "pk" in kwargs:
            args["pk"] = model_for(name).objects.filter(workspace=victim).first().pk
        for extra in set(kwargs) - {"ws", "pk"}:
            args[extra] = placeholder(name, extra)
        url = reverse(name, kwargs=args)
        for method in (client.get, client.post):
            response = method(url, {"name": "hacked", "all": "1", "selected": [1, 2, 3]})
            assert response.status_code in (404, 405), (
                f"{method.__name__.upper()} {url} -> {response.status_code}"
            )
            if response.status_code == 405:
                continue
            checked += 1
        # The outsider's own workspace id with the victim's object: still 404.
        if "pk" in kwargs:
            url = reverse(name, kwargs={**args, "ws": own.pk})
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {"name": "hacked", "all": "1"}).status_code in (404, 405), url
    assert checked > 20
    assert snapshot(victim) == before


@pytest.mark.django_db
def test_members_cannot_change_settings_or_tax_rates(client, make_user, workspace):
    from tanto.accounts.models import Membership, Role

    member = make_user("member@example.com")
    Membership.objects.create(user=member, workspace=workspace, role=Role.MEMBER)
    client.force_login(member)
    rate = TaxRate.objects.filter(workspace=workspace).first()
    assert client.get(reverse("settings:general", kwargs={"ws": workspace.pk})).status_code == 200
    assert (
        client.post(
            reverse("settings:general", kwargs={"ws": workspace.pk}),
            {"name": "Renamed", "country": "GB", "base_currency": "GBP"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("settings:tax_rate_archive", kwargs={"ws": workspace.pk, "pk": rate.pk})
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("settings:tax_rate_new", kwargs={"ws": workspace.pk}), {"name": "Sneaky", "rate": "1"}
        ).status_code
        == 403
    )
    workspace.refresh_from_db()
    rate.refresh_from_db()
    assert workspace.name == "Acme Workshop" and not rate.archived
    assert not TaxRate.objects.filter(name="Sneaky").exists()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_log_in(client, workspace):
    response = client.get(reverse("sales:list", kwargs={"ws": workspace.pk}))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
