"""CSRF: every URL that changes state refuses a POST without the token, and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tanto.catalog.models import TaxRate
from tanto.contacts.models import Customer
from tests.objects import one_of_each
from tests.url_inventory import all_urls, model_for, placeholder

pytestmark = pytest.mark.django_db


def url_for(name: str, kwargs: list[str], workspace: Any) -> str:
    args: dict[str, Any] = {}
    if "ws" in kwargs:
        args["ws"] = workspace.pk
    if "pk" in kwargs:
        args["pk"] = model_for(name).objects.filter(workspace=workspace).first().pk
    for extra in set(kwargs) - {"ws", "pk"}:
        args[extra] = placeholder(name, extra)
    return reverse(name, kwargs=args)


def test_every_post_without_a_csrf_token_is_refused(make_user, workspace, admin_user):
    one_of_each(workspace)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    before = (
        Customer.objects.count(),
        TaxRate.objects.count(),
        list(TaxRate.objects.values_list("archived")),
    )
    refused = 0
    for name, kwargs in all_urls(workspace_only=False):
        if name == "accounts:login":
            continue  # anonymous by design; Django still requires its token (checked below)
        response = client.post(url_for(name, kwargs, workspace), {"name": "x", "all": "1"})
        assert response.status_code in (403, 405), (
            f"POST {name} without a CSRF token -> {response.status_code}"
        )
        refused += response.status_code == 403
    assert refused >= 15
    assert (
        Customer.objects.count(),
        TaxRate.objects.count(),
        list(TaxRate.objects.values_list("archived")),
    ) == before
    anonymous = Client(enforce_csrf_checks=True)
    assert (
        anonymous.post(reverse("accounts:login"), {"username": "a@b.c", "password": "x"}).status_code == 403
    )
