"""Bad input from QuickBooks (docs/security.md, items 12, 36 and 45): whatever bytes come back, the
integration raises only the typed errors of errors.py, every outbox record ends in a defined state with
a message a person can read, nothing is half-written, and the pages that show the records still render.
The app's own QuickBooks endpoints are fuzzed too: no callback query string makes a 500.

Here, and only here, an httpx.MockTransport stands in for QuickBooks: the point is arbitrary bytes
(truncated JSON, XML, HTML, binary, wrong types, huge pages) that the emulator, which speaks QuickBooks'
protocol faithfully, would never send. The connection itself is made for real through the emulator, and
everything that is not an Accounting API call (discovery, the token endpoint) still goes to it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tanto.integrations.models import RateLimitKey, RateLimitRequest
from tanto.integrations.outbox import Kind, State, SyncAttempt, SyncRecord
from tanto.integrations.quickbooks import oauth, push
from tanto.integrations.quickbooks.client import QuickBooksClient
from tanto.integrations.quickbooks.crypto import Secret
from tanto.integrations.quickbooks.errors import QuickBooksError
from tanto.integrations.quickbooks.models import ContactLink, QuickBooksConnection, Status
from tanto.integrations.quickbooks.references import ItemLink
from tests.integrations.test_push import active, sales_order  # noqa: F401

pytestmark = [pytest.mark.emulator, pytest.mark.django_db]

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
DEFINED_STATES = {State.QUEUED, State.FAILED, State.PAUSED, State.SYNCED}
# What QuickBooks ids look like; anything else stored as one is half-written.
PLAUSIBLE_ID = re.compile(r"[0-9A-Za-z-]{1,32}")
MAX_MESSAGE = 1200

# -- what QuickBooks might send --

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=10,
)
ids = st.one_of(
    st.from_regex(r"[1-9][0-9]{0,5}", fullmatch=True),
    st.integers(min_value=-5, max_value=10**12),
    st.text(max_size=80),
    st.just(""),
    json_values,
)
nasty_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "Token expired: eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..secret",
            "line one\r\nline two\x00\x1b[31m",
            "x" * 5000,
        ]
    ),
)
fault_error = st.fixed_dictionaries(
    {},
    optional={
        "code": st.one_of(
            st.sampled_from(["6000", "6140", "610", "2500", "3001", "100", "120"]), json_values
        ),
        "Message": st.one_of(nasty_text, json_values),
        "Detail": st.one_of(nasty_text, json_values),
        "element": json_values,
    },
)
fault = st.one_of(
    st.fixed_dictionaries(
        {
            "Error": st.one_of(st.lists(st.one_of(fault_error, json_values), max_size=3), json_values),
            "type": st.one_of(
                st.sampled_from(["ValidationFault", "SystemFault", "AuthenticationFault", "ServiceFault"]),
                json_values,
            ),
        }
    ),
    json_values,
)
fault_body = st.one_of(st.builds(lambda f: {"Fault": f}, fault), st.builds(lambda f: {"fault": f}, fault))


def _document(entity: str) -> st.SearchStrategy[Any]:
    shaped = st.fixed_dictionaries(
        {"Id": ids},
        optional={"SyncToken": json_values, "DocNumber": json_values, "Unexpected": json_values},
    )
    return st.one_of(shaped, json_values)


rows = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "Id": ids,
            "DisplayName": nasty_text,
            "Sku": json_values,
            "PrimaryEmailAddr": st.one_of(st.fixed_dictionaries({"Address": json_values}), json_values),
            "PrivateNote": json_values,
        },
    ),
    max_size=5,
)
query_body = st.builds(
    lambda response: {"QueryResponse": response},
    st.one_of(
        st.fixed_dictionaries(
            {},
            optional={
                "Customer": st.one_of(rows, json_values),
                "Vendor": st.one_of(rows, json_values),
                "Item": st.one_of(rows, json_values),
                "Invoice": st.one_of(rows, json_values),
                "totalCount": json_values,
                "startPosition": json_values,
            },
        ),
        json_values,
    ),
)
batch_item = st.one_of(
    st.fixed_dictionaries(
        {"bId": st.one_of(st.sampled_from(["0", "1", "2"]), json_values)},
        optional={
            "Customer": _document("Customer"),
            "Item": _document("Item"),
            "Invoice": _document("Invoice"),
            "Fault": fault,
            "QueryResponse": st.one_of(
                st.dictionaries(st.sampled_from(["Customer", "Item"]), rows), json_values
            ),
        },
    ),
    json_values,
)
batch_body = st.builds(
    lambda items: {"BatchItemResponse": items}, st.one_of(st.lists(batch_item, max_size=4), json_values)
)
shaped_json = st.one_of(
    fault_body,
    query_body,
    batch_body,
    st.builds(lambda d: {"Invoice": d}, _document("Invoice")),
    st.builds(lambda d: {"CompanyInfo": d}, json_values),
    st.builds(lambda d, extra: {**d, **extra}, batch_body, st.dictionaries(st.text(max_size=8), json_values)),
    json_values,
)


def _truncated(body: Any, cut: int) -> bytes:
    text = json.dumps(body).encode()
    return text[: max(0, len(text) - 1 - cut % max(1, len(text)))]


XML_BODIES = [
    b'<?xml version="1.0"?><IntuitResponse><Fault type="ValidationFault"><Error code="6000">'
    b"<Message>A business validation error has occurred</Message></Error></Fault></IntuitResponse>",
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><IntuitResponse>&x;'
    b"</IntuitResponse>",
    b'<?xml version="1.0"?><IntuitResponse><QueryResponse startPosition="1"/></IntuitResponse>',
]
HUGE_PAGE = json.dumps(
    {"QueryResponse": {"Customer": [{"Id": str(n), "DisplayName": f"C{n}"} for n in range(1000)]}}
).encode()

bodies = st.one_of(
    shaped_json.map(lambda b: json.dumps(b).encode()),
    st.builds(_truncated, shaped_json, st.integers(min_value=0, max_value=400)),
    st.sampled_from(XML_BODIES),
    st.sampled_from([b"<html><body>Service Unavailable</body></html>", b"", b"null", b"[]", b'"ok"']),
    st.binary(max_size=200),
    st.just(HUGE_PAGE),
)
statuses = st.one_of(
    st.sampled_from([200, 200, 200, 400, 401, 403, 404, 429, 500, 502, 503, 504]),
    st.integers(min_value=100, max_value=599),
)
content_types = st.sampled_from(
    ["application/json", "application/json;charset=UTF-8", "application/xml", "text/html", "text/plain", ""]
)
header_values = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=300)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str
    intuit_tid: str
    retry_after: str

    def response(self) -> httpx.Response:
        headers = {"intuit_tid": self.intuit_tid, "Retry-After": self.retry_after}
        if self.content_type:
            headers["Content-Type"] = self.content_type
        return httpx.Response(self.status, content=self.body, headers=headers)


replies = st.builds(Reply, statuses, bodies, content_types, header_values, header_values)


def _fault_reply(status: int, message: str, code: str = "6000", detail: str = "") -> Reply:
    body = {
        "Fault": {"Error": [{"Message": message, "Detail": detail, "code": code}], "type": "ValidationFault"}
    }
    return Reply(status, json.dumps(body).encode(), "application/json", "1-abc", "")


def _json_reply(body: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(body).encode(), "application/json", "1-abc", "")


# Cases worth running every time, whatever hypothesis draws besides.
KNOWN = [
    _fault_reply(400, "<script>alert(1)</script>"),
    _json_reply({"Fault": {"Error": [{}], "type": "ValidationFault"}}, 403),
    _json_reply({"Fault": {"Error": [{"code": "6000"}]}}, 400),
    _fault_reply(200, "x" * 5000, detail="y" * 5000),
    _fault_reply(400, "line one\r\nline two\x00\x1b[31m"),
    _fault_reply(401, "Token expired", code="3200", detail="Token expired: eyJlbmMiOiJBMTI4Q0JDLUhTMjU2Ii"),
    Reply(200, XML_BODIES[1], "application/xml", "", ""),
    Reply(502, b"<html><body>Bad Gateway</body></html>", "text/html", "", ""),
    Reply(200, b'{"Invoice": {"Id": "12', "application/json", "", ""),
    _json_reply({"Invoice": {"Id": "9" * 60, "SyncToken": "1" * 40}}),
    _json_reply({"Invoice": {"Id": {"value": 3}}}),
    _json_reply({"BatchItemResponse": [{"bId": "0", "Customer": {"Id": "x" * 50}}]}),
    _json_reply(
        {"BatchItemResponse": [{"bId": "0", "Fault": "nope"}, {"bId": "1", "Fault": {"Error": "x"}}]}
    ),
    _json_reply({"BatchItemResponse": [{"bId": "0", "QueryResponse": []}]}),
    _json_reply(
        {
            "BatchItemResponse": [
                {"bId": "0", "QueryResponse": {"Customer": [{"Id": "5", "PrimaryEmailAddr": "a"}]}}
            ]
        }
    ),
    _json_reply({"BatchItemResponse": [{"bId": "0", "QueryResponse": {"Item": [{"Sku": "S", "Id": ""}]}}]}),
    _json_reply({"QueryResponse": {"totalCount": "many", "Customer": "abc", "Item": {"Id": "1"}}}),
    Reply(200, HUGE_PAGE, "application/json", "", ""),
    Reply(429, b"", "", "t" * 300, "soon"),
    _json_reply(
        {
            "fault": {
                "error": [
                    {"message": "Unauthorized", "detail": "Bearer eyJlbmMi", "code": "AuthenticationFailed"}
                ]
            }
        },
        401,
    ),
]


# -- the stand-in for QuickBooks --


def plausible(request: httpx.Request) -> httpx.Response:
    """A well-formed answer to what was asked, for the calls a test does not garble."""
    path = request.url.path
    if path.endswith("/batch"):
        asked = json.loads(request.content).get("BatchItemRequest", [])
        answers = []
        for n, item in enumerate(asked):
            entity = next((k for k in item if k not in {"bId", "operation"}), "")
            if entity == "Query":
                answers.append({"bId": item["bId"], "QueryResponse": {}})
            else:
                answers.append({"bId": item["bId"], entity: {"Id": str(700 + n), "SyncToken": "0"}})
        return httpx.Response(200, json={"BatchItemResponse": answers})
    if path.endswith("/query"):
        return httpx.Response(200, json={"QueryResponse": {}})
    entity = path.rsplit("/", 1)[-1].capitalize()
    return httpx.Response(200, json={entity: {"Id": "900", "SyncToken": "0", "DocNumber": "1001"}})


class FakeQuickBooks:
    """Answers Accounting API calls from a script (None: a plausible answer); anything else (discovery,
    tokens) is passed on to the emulator, so a 401 still leads to a real refresh."""

    def __init__(self, script: list[Reply | None]) -> None:
        self.script = list(script)
        self.calls = 0
        self._real = httpx.Client(timeout=10)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if "/v3/company/" not in request.url.path:
            forwarded = self._real.send(
                self._real.build_request(
                    request.method, request.url, headers=request.headers, content=request.content
                )
            )
            forwarded.read()
            return httpx.Response(forwarded.status_code, headers=forwarded.headers, content=forwarded.content)
        self.calls += 1
        reply = self.script.pop(0) if self.script else None
        return reply.response() if reply is not None else plausible(request)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def close(self) -> None:
        self._real.close()


# -- what "readable" and "not half-written" mean --

TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>")


def assert_readable(message: str, *, where: str) -> None:
    assert isinstance(message, str) and message.strip(), f"{where}: empty message"
    assert len(message) <= MAX_MESSAGE, f"{where}: {len(message)} characters"
    assert not TAG.search(message), f"{where}: markup in {message!r}"
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", message), f"{where}: control characters in {message!r}"
    assert "b'" not in message and "\\x" not in message, f"{where}: raw bytes in {message!r}"
    assert "eyJlbmMi" not in message and "Bearer" not in message, f"{where}: a token in {message!r}"


def assert_nothing_half_written(conn: QuickBooksConnection) -> None:
    for record in SyncRecord.objects.filter(connection_id=conn.pk):
        assert record.state in DEFINED_STATES, record.state
        if record.state == State.SYNCED:
            assert PLAUSIBLE_ID.fullmatch(record.remote_id), f"synced with remote id {record.remote_id!r}"
        else:
            assert_readable(record.error_message, where=f"record in {record.state}")
    for attempt in SyncAttempt.objects.filter(record__connection_id=conn.pk):
        if attempt.outcome != "success":
            assert_readable(attempt.message, where=f"attempt {attempt.outcome}")
    for link_id in [
        *ContactLink.objects.filter(connection=conn).values_list("qbo_id", flat=True),
        *ItemLink.objects.filter(connection=conn).values_list("qbo_id", flat=True),
    ]:
        assert PLAUSIBLE_ID.fullmatch(link_id), f"a link to QuickBooks id {link_id!r}"


# -- the client --


def _examples(cases: Callable[[Reply], list[tuple[Any, ...]]]) -> Callable[[Any], Any]:
    """Adds every KNOWN reply, in the positions `cases` puts it, as explicit hypothesis examples."""

    def add(test: Any) -> Any:
        for reply in KNOWN:
            for args in cases(reply):
                test = example(*args)(test)
        return test

    return add


OPERATIONS = ["company_info", "preferences", "count", "all", "pages", "query", "post", "batch"]


def _operations(client: QuickBooksClient) -> dict[str, Callable[[], Any]]:
    return {
        "company_info": client.company_info,
        "preferences": client.preferences,
        "count": lambda: client.count("Customer"),
        "all": lambda: client.all("Item"),
        "pages": lambda: list(client.pages("Invoice", total=2500)),
        "query": lambda: client.query("SELECT * FROM Customer"),
        "post": lambda: client.post("invoice", {"Line": []}, request_id="r-1"),
        "batch": lambda: client.post("batch", {"BatchItemRequest": []}),
    }


@pytest.fixture
def conn(active: Any) -> Iterator[QuickBooksConnection]:  # noqa: F811
    yield active()


def test_the_client_raises_only_typed_errors(conn: QuickBooksConnection) -> None:
    @FUZZ
    @given(st.lists(replies, min_size=1, max_size=4), st.sampled_from(OPERATIONS))
    @_examples(lambda reply: [([reply, reply], op) for op in OPERATIONS])
    def call(script: list[Reply], operation: str) -> None:
        fake = FakeQuickBooks(script)
        QuickBooksConnection.objects.filter(pk=conn.pk).update(status=Status.CONNECTED)
        conn.refresh_from_db()
        try:
            with QuickBooksClient(conn, http=fake.client()) as client:
                result = _operations(client)[operation]()
        except QuickBooksError as exc:
            assert_readable(exc.message, where=f"{operation}: {type(exc).__name__}")
            assert exc.kind in {"transient", "permanent", "auth"}
        else:
            assert isinstance(result, (dict, list, int)), type(result)
        finally:
            fake.close()

    call()


# -- the push --


def _reset_between_examples(conn: QuickBooksConnection, keep_links: bool) -> None:
    SyncRecord.objects.filter(connection_id=conn.pk).delete()
    RateLimitRequest.objects.all().delete()
    RateLimitKey.objects.update(paused_until=0.0)  # a fuzzed 429 pauses the company; not for the next one
    QuickBooksConnection.objects.filter(pk=conn.pk).update(status=Status.CONNECTED)
    if not keep_links:
        ContactLink.objects.filter(connection=conn).delete()
        ItemLink.objects.filter(connection=conn).delete()


def test_pushes_end_defined_readable_and_whole(
    conn: QuickBooksConnection,
    workspace: Any,
    admin_client: Client,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    # The limiter is not under test here (tests/integrations/test_ratelimit.py): many pushes a minute must
    # not wait for QuickBooks' per-minute batch limit.
    settings.QBO_RATE_LIMITS = {"per_window": 10**6, "batch_per_window": 10**6}
    order = sales_order(workspace, currency="USD")
    second = sales_order(workspace, currency="USD")
    pages = (f"/w/{workspace.pk}/sell/", f"/w/{workspace.pk}/integrations/quickbooks/sync-log/")

    @FUZZ
    @given(
        st.lists(st.one_of(st.none(), replies), min_size=1, max_size=7),
        st.booleans(),
        st.booleans(),
    )
    @_examples(
        lambda reply: (
            [([reply], True, False), ([None, reply], False, False), ([None, None, reply], False, True)]
            + [([None] * n + [reply], False, False) for n in range(3, 6)]
        )
    )
    def push_through(script: list[Reply | None], keep_links: bool, bulk: bool) -> None:
        _reset_between_examples(conn, keep_links)
        fake = FakeQuickBooks(script)
        # The push builds its client through oauth.http(); this is where the stand-in goes in.
        monkeypatch.setattr(oauth, "http", fake.client)
        try:
            records = push.request_documents(conn, Kind.INVOICE, [order, second] if bulk else [order])
            push.push([r.pk for r in records])  # must not raise: the worker would retry it forever
        finally:
            monkeypatch.undo()
            fake.close()
        assert_nothing_half_written(conn)
        for url in pages:
            assert admin_client.get(url).status_code == 200, url

    push_through()


# -- the token endpoint --


def test_the_token_endpoint_answers_only_typed_errors_or_tokens(
    qbo: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_bodies = st.one_of(
        bodies,
        st.fixed_dictionaries(
            {"access_token": json_values},
            optional={
                "refresh_token": json_values,
                "expires_in": json_values,
                "x_refresh_token_expires_in": json_values,
                "x_refresh_token_hard_expires_in": json_values,
                "error": json_values,
            },
        ).map(lambda b: json.dumps(b).encode()),
    )

    @FUZZ
    @given(statuses, token_bodies)
    def refresh(status: int, body: bytes) -> None:
        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("configuration"):
                return httpx.Response(200, json=_discovery(qbo))
            return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})

        monkeypatch.setattr(oauth, "http", lambda: httpx.Client(transport=httpx.MockTransport(answer)))
        oauth._discovery_cache.clear()
        try:
            tokens = oauth.refresh(Secret("AB11-refresh"))
        except QuickBooksError as exc:
            assert_readable(exc.message, where=type(exc).__name__)
        else:
            assert tokens.access_token.reveal() and tokens.refresh_token.reveal()
            assert tokens.expires_in > 0
        finally:
            monkeypatch.undo()
            oauth._discovery_cache.clear()

    refresh()


def _discovery(qbo: Any) -> dict[str, Any]:
    return dict(httpx.get(qbo.discovery_url).json())


# -- the app's own QuickBooks endpoints --

params = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", "\x00", "' OR 1=1--", "../../etc/passwd", "%00", "1" * 400, "access_denied"]),
)


def test_callback_and_intuit_urls_never_answer_500(qbo: Any, admin_client: Client, workspace: Any) -> None:
    admin_client.raise_request_exception = False
    start = admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
    from tests.integrations.conftest import query_of

    valid_state = query_of(start["Location"])["state"]

    @FUZZ
    @given(
        st.fixed_dictionaries(
            {},
            optional={
                "code": params,
                "state": st.one_of(params, st.just(valid_state)),
                "realmId": params,
                "error": params,
            },
        ),
        st.sampled_from(["callback", "reconnect", "launch", "disconnected"]),
    )
    @example({"state": valid_state, "code": "x", "realmId": "\x00"}, "callback")
    @example({"state": valid_state, "code": "\x00", "realmId": "1" * 400}, "callback")
    @example({"state": valid_state, "code": "x" * 5000, "realmId": "' OR 1=1--"}, "callback")
    @example({"state": valid_state, "error": "\x00<b>"}, "callback")
    @example({"realmId": "\x00"}, "reconnect")
    @example({"realmId": "' OR 1=1--"}, "reconnect")
    def visit(query: dict[str, str], page: str) -> None:
        if query.get("state") == valid_state:
            # A real state from this session, so the code exchange and the realm checks run too.
            admin_client.post(f"/w/{workspace.pk}/integrations/quickbooks/connect/")
            session = admin_client.session
            pending = session[flow_key()]
            pending[valid_state] = dict(next(iter(pending.values())))
            session[flow_key()] = pending
            session.save()
        response = admin_client.get(f"/integrations/quickbooks/{page}", query)
        assert response.status_code < 500, f"{page} {query!r} -> {response.status_code}"
        if page == "callback":
            assert response.status_code == 302 and "?" not in response["Location"]
        assert not QuickBooksConnection.objects.filter(status=Status.CONNECTED).exists()

    visit()


def flow_key() -> str:
    from tanto.integrations.quickbooks.connection import SESSION_KEY

    return SESSION_KEY
