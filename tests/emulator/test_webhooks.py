"""Webhooks: both formats, the signature, background delivery and retries (time-compressed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from qbo_emulator.testing import REALM_US, RunningEmulator

from .conftest import Api


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_next = 0
        self.arrived = threading.Condition()

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        with self.arrived:
            failing = self.fail_next > 0
            self.fail_next -= 1 if failing else 0
            self.received.append(
                {"body": body, "signature": request.headers.get("intuit-signature"), "failed": failing}
            )
            self.arrived.notify_all()
        return Response(status_code=500 if failing else 200)

    def wait_for(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout), self.received
            return list(self.received)


@pytest.fixture(scope="module")
def receiver() -> Iterator[tuple[Receiver, str]]:
    rec = Receiver()
    app = Starlette(routes=[Route("/hook", rec.hook, methods=["POST"])])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ready = threading.Event()
    while not server.started:
        ready.wait(0.01)
    yield rec, f"http://127.0.0.1:{port}/hook"
    server.should_exit = True
    thread.join(5)


def _register(emu: RunningEmulator, url: str, fmt: str) -> Api:
    emu.control(
        "POST",
        "apps",
        {
            "client_id": f"hooks-{fmt}",
            "client_secret": "s",
            "redirect_uris": ["http://127.0.0.1/cb"],
            "webhook_url": url,
            "verifier_token": "verify_me",
            "webhook_format": fmt,
        },
    )
    api = Api.__new__(Api)
    api.server, api.realm_id = emu, REALM_US
    api.token = emu.token(REALM_US, f"hooks-{fmt}")
    import httpx

    api.client = httpx.Client(base_url=emu.company_url(REALM_US), headers=emu.auth(api.token), timeout=10)
    return api


def _verify(entry: dict[str, Any]) -> None:
    expected = base64.b64encode(hmac.new(b"verify_me", entry["body"], hashlib.sha256).digest()).decode()
    assert entry["signature"] == expected


def test_signature_vector_matches_python_quickbooks() -> None:
    from qbo_emulator.webhooks import sign

    assert sign(b'{"stuff":"5"}', "verify_me") == "nfPLN16u3vMvv08ghDs+dOkLuirEVDy5wAeG/lmM2OA="


def test_legacy_notification(emu: RunningEmulator, receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    rec.received.clear()
    api = _register(emu, url, "legacy")
    created = api.create("Customer", {"DisplayName": "Hooked Legacy"})
    entry = rec.wait_for(1)[0]
    _verify(entry)
    event = json.loads(entry["body"])["eventNotifications"][0]
    assert event["realmId"] == REALM_US
    entity = event["dataChangeEvent"]["entities"][0]
    assert entity == {
        "id": created["Id"],
        "operation": "Create",
        "name": "Customer",
        "lastUpdated": entity["lastUpdated"],
    }
    assert entity["lastUpdated"].endswith("Z")


def test_cloudevents_and_retry_ladder(emu: RunningEmulator, receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    rec.received.clear()
    rec.fail_next = 2
    api = _register(emu, url, "cloudevents")
    invoice = api.create(
        "Invoice",
        {
            "Line": [{"Amount": 1.0, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
            "CustomerRef": {"value": "1"},
        },
    )
    api.ok(
        api.post(
            "invoice", {"Id": invoice["Id"], "SyncToken": invoice["SyncToken"]}, params={"operation": "void"}
        )
    )
    entries = rec.wait_for(4)
    assert [e["failed"] for e in entries[:3]] == [True, True, False]
    first, second = (json.loads(e["body"])[0] for e in entries[2:4])
    assert first["type"] == "qbo.invoice.created.v1" and first["intuitentityid"] == invoice["Id"]
    assert second["type"] == "qbo.invoice.voided.v1" and first["specversion"] == "1.0"
    assert first["intuitaccountid"] == REALM_US
    for entry in entries:
        _verify(entry)
    deliveries = emu.control("GET", "stats")[REALM_US]["webhook_deliveries"]
    assert deliveries["failed_attempts"] >= 2 and deliveries["delivered"] >= 1


def test_merge_notifies_with_deleted_id(emu: RunningEmulator, receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    rec.received.clear()
    api = _register(emu, url, "legacy")
    source = api.create("Customer", {"DisplayName": "Merge Me"})
    line = {
        "Amount": 9.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    invoice = api.create("Invoice", {"CustomerRef": {"value": source["Id"]}, "Line": [line]})
    rec.wait_for(2)
    merged = emu.control("POST", "merge", {"realm_id": REALM_US, "source_id": source["Id"], "target_id": "1"})
    assert merged["Customer"]["Id"] == "1"
    event = json.loads(rec.wait_for(3)[2]["body"])["eventNotifications"][0]["dataChangeEvent"]["entities"][0]
    assert event["operation"] == "Merge" and event["id"] == "1" and event["deletedId"] == source["Id"]
    assert api.ok(api.get(f"invoice/{invoice['Id']}"))["Invoice"]["CustomerRef"]["value"] == "1"
    assert api.fault(api.get(f"customer/{source['Id']}"))["code"] == "610"
