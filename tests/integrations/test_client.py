"""The API client against a scripted transport: what every request carries and how answers are read."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.utils import timezone

from tanto.integrations.quickbooks.client import PAGE_SIZE, QuickBooksClient, quote
from tanto.integrations.quickbooks.crypto import Secret
from tanto.integrations.quickbooks.errors import (
    AuthError,
    Kind,
    PermanentError,
    ThrottledError,
    TransientError,
    UncertainOutcome,
)
from tanto.integrations.quickbooks.models import QuickBooksConnection
from tanto.integrations.quickbooks.oauth import TokenSet

ACCESS = "access-token-value-123"


@pytest.fixture
def conn(workspace: Any, settings: Any) -> QuickBooksConnection:
    settings.QBO_API_BASE_URL = "https://qbo.test"
    row = QuickBooksConnection(workspace=workspace, realm_id="4620", company_name="Test Co", country="US")
    tokens = TokenSet(Secret(ACCESS), Secret("refresh-token-value"), 3600, 8726400, 157680000)
    for field, value in row.token_fields(tokens).items():
        setattr(row, field, value)
    row.save()
    return row


def _client(
    conn: QuickBooksConnection, handler: Callable[[httpx.Request], httpx.Response]
) -> QuickBooksClient:
    return QuickBooksClient(conn, http=httpx.Client(transport=httpx.MockTransport(handler)))


def test_every_request_carries_minorversion_accept_and_bearer(conn: QuickBooksConnection) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={"QueryResponse": {}, "CompanyInfo": {}, "Preferences": {}},
            headers={"intuit_tid": "1-abc"},
        )

    with _client(conn, handler) as client:
        client.company_info()
        client.preferences()
        client.query("SELECT * FROM Account")
        client.post("customer", {"DisplayName": "A"}, request_id="req-1")
    assert len(seen) == 4
    for request in seen:
        assert request.url.params["minorversion"] == "75"
        assert request.headers["Accept"] == "application/json"
        assert request.headers["Authorization"] == f"Bearer {ACCESS}"
        assert request.url.path.startswith("/v3/company/4620/")
    assert seen[2].headers["Content-Type"] == "application/text"
    assert seen[3].url.params["requestid"] == "req-1"
    assert client.last_intuit_tid == "1-abc"


def test_pages_stream_with_startposition_and_stop_at_total(conn: QuickBooksConnection) -> None:
    statements: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        statement = request.content.decode()
        statements.append(statement)
        start = int(statement.split("STARTPOSITION ")[1].split()[0])
        rows = [{"Id": str(i)} for i in range(start, min(start + PAGE_SIZE, 2501))]
        return httpx.Response(200, json={"QueryResponse": {"Customer": rows} if rows else {}})

    with _client(conn, handler) as client:
        sizes = [len(page) for page in client.pages("Customer", total=2500)]
        assert sizes == [1000, 1000, 500]
        assert all("MAXRESULTS 1000" in s for s in statements)
        assert [s.split("STARTPOSITION ")[1].split()[0] for s in statements] == ["1", "1001", "2001"]
        statements.clear()
        assert sum(len(p) for p in client.pages("Customer")) == 2500  # without a total: stops on a short page
        assert len(statements) == 3
        pages = client.pages("Customer", total=2500)
        next(pages)
        assert len(statements) == 4  # a generator: nothing is fetched ahead


def test_fault_in_a_200_is_an_error(conn: QuickBooksConnection) -> None:
    fault = {
        "Fault": {
            "Error": [
                {
                    "Message": "Duplicate Name Exists Error",
                    "Detail": "The name supplied already exists. : null",
                    "code": "6240",
                }
            ],
            "type": "ValidationFault",
        }
    }

    answer = httpx.Response(200, json=fault, headers={"intuit_tid": "1-f"})
    with _client(conn, lambda r: answer) as client, pytest.raises(PermanentError) as caught:
        client.post("customer", {"DisplayName": "A"})
    assert (
        caught.value.code == "6240"
        and caught.value.intuit_tid == "1-f"
        and caught.value.kind == Kind.PERMANENT
    )


@pytest.mark.parametrize(
    ("status", "body", "error", "kind"),
    [
        (
            400,
            {
                "Fault": {
                    "Error": [{"Message": "Required param missing", "code": "2020"}],
                    "type": "ValidationFault",
                }
            },
            PermanentError,
            Kind.PERMANENT,
        ),
        (
            429,
            {
                "fault": {
                    "error": [
                        {
                            "message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
                            "code": "3001",
                        }
                    ],
                    "type": "SERVICE",
                }
            },
            ThrottledError,
            Kind.TRANSIENT,
        ),
        (
            500,
            {
                "Fault": {
                    "Error": [{"Message": "An application error has occurred", "code": "10000"}],
                    "type": "SystemFault",
                }
            },
            TransientError,
            Kind.TRANSIENT,
        ),
        (503, None, TransientError, Kind.TRANSIENT),
        (
            403,
            {
                "fault": {
                    "error": [
                        {
                            "message": "message=ApplicationAuthorizationFailed; errorCode=003100",
                            "code": "3100",
                        }
                    ],
                    "type": "SERVICE",
                }
            },
            AuthError,
            Kind.AUTH,
        ),
    ],
)
def test_faults_are_classified(
    conn: QuickBooksConnection, status: int, body: Any, error: type, kind: Kind
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        content = json.dumps(body).encode() if body is not None else b"<html>Service Unavailable</html>"
        return httpx.Response(status, content=content, headers={"Retry-After": "7"})

    with _client(conn, handler) as client, pytest.raises(error) as caught:
        client.get("preferences")
    assert caught.value.kind == kind and caught.value.status == status
    if isinstance(caught.value, ThrottledError):
        assert caught.value.retry_after == 7


def test_gateway_401_detail_with_token_is_not_in_the_message(
    conn: QuickBooksConnection, monkeypatch: Any
) -> None:
    from tanto.integrations.quickbooks import tokens

    body = {
        "fault": {
            "error": [
                {
                    "message": "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                    "detail": f"Token expired: {ACCESS}",
                    "code": "3200",
                }
            ],
            "type": "AUTHENTICATION",
        }
    }
    refreshed: list[int] = []
    monkeypatch.setattr(
        tokens, "refresh_tokens", lambda c, seen_version: refreshed.append(1) or Secret(ACCESS)
    )
    with (
        _client(conn, lambda r: httpx.Response(401, json=body)) as client,
        pytest.raises(AuthError) as caught,
    ):
        client.get("preferences")
    assert refreshed == [1]  # exactly one refresh, then the error
    assert ACCESS not in str(caught.value) and ACCESS not in repr(caught.value)


def test_lost_answer_to_a_write_is_uncertain(conn: QuickBooksConnection) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with _client(conn, handler) as client:
        with pytest.raises(UncertainOutcome):
            client.post("invoice", {}, request_id="r")
        with pytest.raises(TransientError) as caught:
            client.get("preferences")
        assert not isinstance(caught.value, UncertainOutcome)


def test_last_successful_call_is_recorded(conn: QuickBooksConnection) -> None:
    with _client(conn, lambda r: httpx.Response(200, json={"Preferences": {}})) as client:
        client.preferences()
    stored = QuickBooksConnection.objects.get(pk=conn.pk).last_successful_call_at
    assert stored is not None and timezone.now() - stored < datetime.timedelta(seconds=5)


def test_query_literals_escape_apostrophes() -> None:
    assert quote("King's Bakery") == "'King\\'s Bakery'"


def test_token_endpoints_come_from_the_discovery_document(settings: Any, monkeypatch: Any) -> None:
    from tanto.integrations.quickbooks import oauth

    settings.QBO_ENVIRONMENT = "https://discovery.test/.well-known/openid_configuration"
    settings.QBO_API_BASE_URL = ""
    doc = {
        "authorization_endpoint": "https://auth.test/authorize",
        "token_endpoint": "https://auth.test/moved",
        "revocation_endpoint": "https://auth.test/revoke",
        "userinfo_endpoint": "https://auth.test/me",
    }
    posted: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "discovery.test":
            return httpx.Response(200, json=doc)
        posted.append(str(request.url))
        assert request.headers["x-include-refresh-token-hard-expires-in"] == "true"
        return httpx.Response(
            200,
            json={
                "access_token": "a",
                "refresh_token": "r",
                "expires_in": 3600,
                "x_refresh_token_expires_in": 8726400,
                "x_refresh_token_hard_expires_in": 100000,
            },
        )

    monkeypatch.setattr(oauth, "http", lambda: httpx.Client(transport=httpx.MockTransport(handler)))
    oauth._discovery_cache.clear()
    tokens = oauth.exchange_code("code")
    assert posted == ["https://auth.test/moved"] and tokens.refresh_hard_expires_in == 100000
    assert oauth.authorization_url("s").startswith("https://auth.test/authorize?")
    assert oauth.api_base_url() == "https://discovery.test"
    assert "refresh" not in repr(tokens).replace("refresh_expires_in", "")
    settings.QBO_ENVIRONMENT = "production"
    assert oauth.api_base_url() == "https://quickbooks.api.intuit.com"
    assert oauth.discovery_url() == "https://developer.intuit.com/.well-known/openid_configuration"
    oauth._discovery_cache.clear()


def test_a_read_is_resubmitted_once_after_a_server_error_and_a_write_is_not(
    conn: QuickBooksConnection,
) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) == 1 or request.method == "POST" and "query" not in request.url.path:
            return httpx.Response(
                500, json={"Fault": {"Error": [{"Message": "error", "code": "10000"}], "type": "SystemFault"}}
            )
        return httpx.Response(200, json={"QueryResponse": {"totalCount": 3}})

    with _client(conn, handler) as client:
        assert client.count("Customer") == 3
        assert len(calls) == 2
        with pytest.raises(TransientError):
            client.post("invoice", {"Line": []}, request_id="same-id")
        assert len(calls) == 3
