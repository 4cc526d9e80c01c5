"""Bad input never yields HTTP 500: random bodies and queries go through the in-process app."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbo_emulator.testing import REALM_US, asgi_client

ENTITIES = [
    "customer",
    "vendor",
    "item",
    "account",
    "invoice",
    "bill",
    "payment",
    "billpayment",
    "journalentry",
    "creditmemo",
    "employee",
    "term",
    "taxcode",
    "batch",
    "preferences",
    "companyinfo",
]
KEYS = [
    "Id",
    "SyncToken",
    "sparse",
    "DisplayName",
    "Name",
    "Line",
    "CustomerRef",
    "VendorRef",
    "Amount",
    "TotalAmt",
    "Active",
    "TxnDate",
    "CurrencyRef",
    "DetailType",
    "SalesItemLineDetail",
    "Qty",
    "UnitPrice",
    "ItemRef",
    "TaxCodeRef",
    "value",
    "TxnTaxDetail",
    "BatchItemRequest",
    "Type",
    "GlobalTaxCalculation",
    "LinkedTxn",
    "JournalEntryLineDetail",
    "PostingType",
    "AccountRef",
    "DocNumber",
    "PayType",
    "Query",
    "operation",
    "bId",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["1", "2", "0", "-1", "TAX", "NON", "2026-13-45"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)
bodies = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)


class SyncAsgi:
    """Drive the in-process ASGI app synchronously (no sockets) from hypothesis' sync test functions."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.loop = asyncio.new_event_loop()

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.get(url, **kw))

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.post(url, **kw))

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@pytest.fixture(scope="module")
def client() -> Iterator[tuple[SyncAsgi, dict[str, str]]]:
    async_client, emu = asgi_client(limits_enabled=False)
    test_client = SyncAsgi(async_client)
    scopes = ["com.intuit.quickbooks.accounting"]
    grant = emu.tokens.issue_grant("tanto-demo", REALM_US, "owner@example.com", scopes)
    token = emu.tokens.token_response(grant)["access_token"]
    yield test_client, {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    test_client.close()


FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(
    entity=st.sampled_from(ENTITIES),
    body=bodies,
    operation=st.sampled_from(["", "update", "delete", "void", "x"]),
)
def test_random_bodies_never_500(
    client: tuple[SyncAsgi, dict[str, str]], entity: str, body: dict[str, Any], operation: str
) -> None:
    test_client, headers = client
    params = {"operation": operation} if operation else {}
    response = test_client.post(
        f"/v3/company/{REALM_US}/{entity}",
        content=json.dumps(body, allow_nan=True),
        headers=headers | {"Content-Type": "application/json"},
        params=params,
    )
    assert response.status_code < 500, response.text


words = st.sampled_from(
    [
        "SELECT",
        "select",
        "*",
        "COUNT(*)",
        "FROM",
        "Customer",
        "Invoice",
        "Item",
        "WHERE",
        "AND",
        "OR",
        "=",
        "<",
        ">=",
        "IN",
        "LIKE",
        "(",
        ")",
        ",",
        "'a%'",
        "'x\\'y'",
        "true",
        "12",
        "ORDERBY",
        "ORDER",
        "BY",
        "DESC",
        "STARTPOSITION",
        "MAXRESULTS",
        "Id",
        "DisplayName",
        "MetaData.LastUpdatedTime",
        "'2026-01-01'",
        "Active",
        "'",
        "\\",
    ]
)


@FAST
@given(tokens=st.lists(words, max_size=14), noise=st.text(max_size=10))
def test_random_queries_never_500(
    client: tuple[SyncAsgi, dict[str, str]], tokens: list[str], noise: str
) -> None:
    test_client, headers = client
    text = " ".join(tokens) + noise
    response = test_client.get(f"/v3/company/{REALM_US}/query", params={"query": text}, headers=headers)
    assert response.status_code < 500, response.text
    post = test_client.post(
        f"/v3/company/{REALM_US}/query",
        content=text.encode(),
        headers=headers | {"Content-Type": "application/text"},
    )
    assert post.status_code < 500, post.text


@FAST
@given(path=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/._-", max_size=30))
def test_random_paths_never_500(client: tuple[SyncAsgi, dict[str, str]], path: str) -> None:
    test_client, headers = client
    response = test_client.get(f"/v3/company/{REALM_US}/{path}", headers=headers)
    assert response.status_code < 500, response.text


@FAST
@given(raw=st.binary(max_size=60))
def test_random_bytes_never_500(client: tuple[SyncAsgi, dict[str, str]], raw: bytes) -> None:
    test_client, headers = client
    response = test_client.post(f"/v3/company/{REALM_US}/invoice", content=raw, headers=headers)
    assert response.status_code < 500, response.text
