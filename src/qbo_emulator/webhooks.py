"""Webhook delivery: Intuit's legacy or CloudEvents bodies, signed, sent in the background in order per app,
retried on failure with Intuit's ladder (10 s, 20 s, 30 s, 5 min, 20 min, 2 h, 4 h, 6 h, then every 6 h),
multiplied by `webhook_time_scale` so tests can compress it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from .store import App, Realm

if TYPE_CHECKING:
    from .app import Emulator

RETRY_LADDER = (10, 20, 30, 300, 1200, 7200, 14400, 21600)
MAX_ATTEMPTS = 20
CLOUD_VERBS = {
    "Create": "created",
    "Update": "updated",
    "Delete": "deleted",
    "Void": "voided",
    "Merge": "merged",
    "Emailed": "emailed",
}


def sign(body: bytes, verifier_token: str) -> str:
    """intuit-signature: base64 of HMAC-SHA256 over the raw body, keyed with the verifier token."""
    return base64.b64encode(hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()).decode()


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def legacy_body(
    realm_id: str, entity: str, obj_id: str, operation: str, epoch: float, deleted_id: str | None = None
) -> bytes:
    event: dict[str, Any] = {"id": obj_id, "operation": operation, "name": entity, "lastUpdated": _utc(epoch)}
    if deleted_id is not None:
        event["deletedId"] = deleted_id
    payload = {"eventNotifications": [{"realmId": realm_id, "dataChangeEvent": {"entities": [event]}}]}
    return json.dumps(payload, separators=(",", ":")).encode()


def cloudevents_body(
    realm_id: str,
    entity: str,
    obj_id: str,
    operation: str,
    epoch: float,
    app: App,
    deleted_id: str | None = None,
) -> bytes:
    source = base64.b64encode(hashlib.sha256(app.client_id.encode()).digest()).decode()
    event = {
        "specversion": "1.0",
        "id": f"{uuid.uuid4()}-{entity}-{obj_id}",
        "source": f"intuit.{source}",
        "type": f"qbo.{entity.lower()}.{CLOUD_VERBS.get(operation, operation.lower())}.v1",
        "datacontenttype": "application/json",
        "time": _utc(epoch),
        "intuitentityid": obj_id,
        "intuitaccountid": realm_id,
        "data": {"deletedid": deleted_id} if deleted_id is not None else {},
    }
    return json.dumps([event], separators=(",", ":")).encode()


@dataclass
class Delivery:
    client_id: str
    realm_id: str
    url: str
    body: bytes
    signature: str
    attempts: int = 0
    due: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)


class WebhookDispatcher:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self._queues: dict[str, deque[Delivery]] = {}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.log: deque[dict[str, Any]] = deque(maxlen=500)
        emu.store.listeners.append(self.on_change)

    def on_change(
        self, realm: Realm, entity: str, obj_id: str, operation: str, deleted_id: str | None = None
    ) -> None:
        if not self.emu.config.webhooks_enabled:
            return
        auth = self.emu.store.auth
        connected = {
            g.client_id for g in auth.grants.values() if g.realm_id == realm.realm_id and not g.revoked
        }
        now = self.emu.clock.time()
        for client_id in sorted(connected):
            app = auth.apps.get(client_id)
            if app is None or not app.webhook_url:
                continue
            if app.webhook_format == "cloudevents":
                body = cloudevents_body(realm.realm_id, entity, obj_id, operation, now, app, deleted_id)
            else:
                body = legacy_body(realm.realm_id, entity, obj_id, operation, now, deleted_id)
            delivery = Delivery(
                client_id, realm.realm_id, app.webhook_url, body, sign(body, app.verifier_token or "")
            )
            with self._cond:
                self._queues.setdefault(client_id, deque()).append(delivery)
                self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self._queues.clear()
            self.log.clear()

    def pending(self) -> int:
        with self._cond:
            return sum(len(q) for q in self._queues.values())

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="qbo-emulator-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _next(self) -> tuple[Delivery | None, float]:
        """Only the head of each app's queue may be sent; later events wait for it (Intuit's ordering)."""
        now = time.monotonic()
        best: Delivery | None = None
        wait = 3600.0
        for queue in self._queues.values():
            if not queue:
                continue
            head = queue[0]
            if head.due <= now:
                return head, 0.0
            wait = min(wait, head.due - now)
            best = None
        return best, wait

    def _run(self) -> None:
        with httpx.Client(timeout=self.emu.config.webhook_timeout) as client:
            while True:
                with self._cond:
                    delivery, wait = self._next()
                    while delivery is None and not self._stopping:
                        self._cond.wait(timeout=wait)
                        delivery, wait = self._next()
                    if self._stopping:
                        return
                assert delivery is not None
                self._attempt(client, delivery)

    def _attempt(self, client: httpx.Client, delivery: Delivery) -> None:
        delivery.attempts += 1
        status: int | None = None
        error = ""
        try:
            response = client.post(
                delivery.url,
                content=delivery.body,
                headers={
                    "content-type": "application/json",
                    "intuit-signature": delivery.signature,
                    "user-agent": "Intuit-Webhooks-Emulator/1.0",
                },
            )
            status = response.status_code
        except httpx.HTTPError as exc:
            error = type(exc).__name__
        ok = status is not None and 200 <= status < 300
        entry = {
            "client_id": delivery.client_id,
            "realm_id": delivery.realm_id,
            "url": delivery.url,
            "attempt": delivery.attempts,
            "status": status,
            "error": error,
            "ok": ok,
            "body": delivery.body.decode(),
            "signature": delivery.signature,
        }
        self.log.append(entry)
        self.emu.stats.bump(delivery.realm_id, "webhook_deliveries", "attempts")
        self.emu.stats.bump(delivery.realm_id, "webhook_deliveries", "delivered" if ok else "failed_attempts")
        with self._cond:
            queue = self._queues.get(delivery.client_id)
            if ok or delivery.attempts >= MAX_ATTEMPTS:
                if queue and queue[0] is delivery:
                    queue.popleft()
            else:
                step = RETRY_LADDER[min(delivery.attempts - 1, len(RETRY_LADDER) - 1)]
                delivery.due = time.monotonic() + step * self.emu.config.webhook_time_scale
