"""Public client libraries pointed at the emulator work unchanged (runs when python-quickbooks and
intuit-oauth are installed; they are not project dependencies, so this is skipped otherwise)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from qbo_emulator.testing import REALM_US, RunningEmulator

quickbooks: Any = pytest.importorskip("quickbooks")
intuitlib_client: Any = pytest.importorskip("intuitlib.client")
REDIRECT = "http://127.0.0.1:8000/integrations/quickbooks/callback"


@pytest.fixture
def qb(emu: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    import requests

    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator speaks plain http on loopback
    auth = intuitlib_client.AuthClient(
        "tanto-demo", "tanto-demo-secret", REDIRECT, environment=emu.discovery_url
    )
    scopes = pytest.importorskip("intuitlib.enums").Scopes
    url = auth.get_authorization_url([scopes.ACCOUNTING, scopes.OPENID, scopes.EMAIL])
    browser = requests.Session()
    auth_id = re.search(r'name="auth_id" value="([^"]+)"', browser.get(url).text).group(1)  # type: ignore[union-attr]
    browser.post(
        f"{emu.base_url}/connect/oauth2/signin",
        data={"auth_id": auth_id, "email": "owner@example.com", "password": "sandbox"},
    )
    browser.post(f"{emu.base_url}/connect/oauth2/company", data={"auth_id": auth_id, "realm_id": REALM_US})
    done = browser.post(
        f"{emu.base_url}/connect/oauth2/consent",
        data={"auth_id": auth_id, "action": "connect"},
        allow_redirects=False,
    )
    params = parse_qs(urlsplit(done.headers["location"]).query)
    auth.get_bearer_token(params["code"][0], realm_id=params["realmId"][0])
    auth.refresh()
    monkeypatch.setattr(quickbooks.QuickBooks, "api_url_v3", f"{emu.base_url}/v3")
    return quickbooks.QuickBooks(
        auth_client=auth, refresh_token=auth.refresh_token, company_id=REALM_US, minorversion=75
    )


def test_python_quickbooks_round_trip(qb: Any) -> None:
    from quickbooks.batch import batch_create
    from quickbooks.cdc import change_data_capture
    from quickbooks.objects.base import Ref
    from quickbooks.objects.customer import Customer
    from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
    from quickbooks.objects.invoice import Invoice

    assert Customer.count(qb=qb) >= 25
    assert [c.DisplayName for c in Customer.filter(DisplayName="Amy's Bird Sanctuary", qb=qb)]
    customer = Customer()
    customer.DisplayName = "Library Customer"
    created = customer.save(qb=qb, request_id=os.urandom(8).hex())
    line = SalesItemLine()
    line.Amount = 12.5
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = Ref()
    line.SalesItemLineDetail.ItemRef.value = "1"
    invoice = Invoice()
    invoice.Line = [line]
    invoice.CustomerRef = created.to_ref()
    saved = invoice.save(qb=qb)
    fetched = Invoice.get(saved.Id, qb=qb)
    assert fetched.TotalAmt == 12.5 and fetched.download_pdf(qb=qb).startswith(b"%PDF")
    fetched.void(qb=qb)
    batch = [Customer() for _ in range(3)]
    for n, item in enumerate(batch):
        item.DisplayName = f"Library batch {n}"
    assert len(batch_create(batch, qb=qb).successes) == 3
    since = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert len(change_data_capture([Customer, Invoice], since, qb=qb).Customer) >= 4
