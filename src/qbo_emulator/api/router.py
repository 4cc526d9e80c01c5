"""The /v3/company/{realmId}/... endpoint: auth, limits, injected faults, requestid replay, then dispatch."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from .. import faults as F
from .. import wire
from ..faults import QboFault, fault, unsupported_operation
from ..xml_wire import to_xml, wants_xml
from . import base
from .base import REGISTRY, Ctx, handler_for_path
from .batch import run_batch
from .cdc import run_cdc
from .queries import render_query
from .tax import create_tax_code

if TYPE_CHECKING:
    from ..app import Emulator

JSON_OK = "application/json;charset=utf-8"
JSON_FAULT = "application/json"
XML = "application/xml;charset=UTF-8"
MAX_REQUESTID = 50
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class Reply:
    def __init__(
        self, status: int, body: bytes, content_type: str = JSON_OK, headers: dict[str, str] | None = None
    ):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}
        self.negotiable = content_type in (JSON_OK, JSON_FAULT)
        self.force_xml = False

    def response(self) -> Response:
        return Response(
            self.body, status_code=self.status, media_type=self.content_type, headers=self.headers
        )


def fault_reply(ctx_or_none: Ctx | None, exc: QboFault) -> Reply:
    body = exc.body()
    if ctx_or_none is not None:
        ctx_or_none.envelope(body)
    return Reply(exc.status, wire.dumps(body), JSON_FAULT)


def gateway_reply(emu: Emulator, status: int, code: str, name: str, detail: str, kind: str) -> Reply:
    body = F.gateway_fault(status, code, name, detail, kind, int(emu.clock.time() * 1000))
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="Intuit", error="invalid_token"'
    # The gateway (401/403/429) answers JSON whatever the Accept header says; the API itself honours it.
    reply = Reply(status, json.dumps(body, separators=(",", ":")).encode(), JSON_FAULT, headers)
    reply.negotiable = False
    return reply


def throttle_reply(emu: Emulator) -> Reply:
    return gateway_reply(emu, 429, "3001", "ThrottleExceeded", "The request limit was reached.", "SERVICE")


QUERY_FROM = re.compile(r"\bfrom\s+([A-Za-z]+)", re.I)


def entity_of(rest: str, query_text: str = "") -> str | None:
    """The entity a request is about, for fault rules: the path's entity, or a query's FROM entity."""
    head = rest.strip("/").split("/")[0].split("?")[0].lower()
    if head == "query" and query_text:
        found = QUERY_FROM.search(query_text)
        if found:
            return found.group(1)
    handler = handler_for_path(head)
    return handler.name if handler else head or None


async def api_endpoint(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    realm_id = request.path_params["realm_id"]
    rest = request.path_params.get("rest", "")
    endpoint = f"{request.method} {rest.strip('/').split('/')[0].lower() or '-'}"
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    auth = emu.tokens.authenticate(token) if token else None
    if auth is None or auth.grant is None:
        detail = auth.detail if auth else "Authorization header missing or not Bearer"
        reply = gateway_reply(emu, 401, "3200", "AuthenticationFailed", detail, "AUTHENTICATION")
        emu.stats.request(realm_id, endpoint, 401)
        return reply.response()
    grant = auth.grant
    if grant.realm_id != realm_id or emu.store.realm(realm_id) is None:
        reply = gateway_reply(
            emu,
            403,
            "3100",
            "ApplicationAuthorizationFailed",
            f"The app is not authorized to access company {realm_id}.",
            "SERVICE",
        )
        emu.stats.request(realm_id, endpoint, 403)
        return reply.response()
    allowed, level = emu.limiter.enter(realm_id, grant.client_id)
    if not allowed:
        emu.stats.bump(realm_id, "limit_violations", "concurrent")
        emu.stats.request(realm_id, endpoint, 429)
        return throttle_reply(emu).response()
    emu.stats.concurrency(realm_id, level)
    try:
        reply = await _handle(emu, request, realm_id, rest, grant.client_id)
    finally:
        emu.limiter.leave(realm_id, grant.client_id)
    emu.stats.request(realm_id, endpoint, reply.status)
    if reply.negotiable and (reply.force_xml or wants_xml(request.headers.get("accept"))):
        reply = Reply(reply.status, to_xml(reply.body), XML, reply.headers)
    return reply.response()


async def _handle(emu: Emulator, request: Request, realm_id: str, rest: str, client_id: str) -> Reply:
    realm = emu.store.realm(realm_id)
    assert realm is not None
    ctx = Ctx(emu.store, realm, emu.clock, emu.config)
    path = request.url.path
    raw = await request.body()
    query_text = request.query_params.get("query", "") or (
        raw[:2000].decode("utf-8", "replace") if raw else ""
    )
    rule = emu.faults.pick(request.method, path, entity_of(rest, query_text), realm_id)
    if rule is not None:
        emu.stats.bump(realm_id, "injected_faults", rule.kind)
        if rule.kind in ("latency", "stall"):
            default = emu.config.stall_default_ms if rule.kind == "stall" else 500
            await asyncio.sleep((rule.ms if rule.ms is not None else default) / 1000)
        elif rule.kind == "http_500":
            return fault_reply(ctx, F.system_error(500))
        elif rule.kind == "http_503":
            return Reply(
                503, b'{"fault":{"error":[{"message":"Service Unavailable","code":"503"}]}}', JSON_FAULT
            )
        elif rule.kind == "throttle":
            return throttle_reply(emu)
    is_batch = rest.strip("/").lower() == "batch"
    if not emu.limiter.take_requests(realm_id):
        emu.stats.bump(realm_id, "limit_violations", "requests_per_minute")
        return throttle_reply(emu)
    if is_batch and not emu.limiter.take_batch(realm_id, client_id):
        emu.stats.bump(realm_id, "limit_violations", "batch_per_minute")
        return throttle_reply(emu)
    request_id = request.query_params.get("requestid")
    if request.method == "POST" and request_id:
        limit = 36 if is_batch else MAX_REQUESTID
        if len(request_id) > limit:
            return fault_reply(
                ctx,
                fault(
                    "2130",
                    "Invalid Request Id Format",
                    f"RequestId must be at most {limit} characters.",
                    "requestid",
                ),
            )
        with emu.store.lock:
            cached = realm.requestids.get(request_id)
        if cached is not None:
            emu.stats.bump(realm_id, "requestid_replays")
            reply = Reply(cached[0], cached[1], JSON_OK if cached[0] < 400 else JSON_FAULT)
            return _maybe_drop(request, rule, reply)
    with emu.store.lock:
        try:
            reply = _dispatch(
                emu,
                ctx,
                request.method,
                rest,
                dict(request.query_params),
                raw,
                request.headers.get("content-type", ""),
                client_id,
            )
        except QboFault as exc:
            reply = fault_reply(ctx, exc)
        if request.method == "POST" and request_id and reply.status < 500:
            realm.requestids[request_id] = (reply.status, reply.body)
            emu.store.mark_dirty()
    return _maybe_drop(request, rule, reply)


def _maybe_drop(request: Request, rule: F.FaultRule | None, reply: Reply) -> Reply:
    """Post-operation faults: drop the connection, or answer XML regardless of Accept."""
    if rule is not None and rule.kind == "drop_after_commit":
        request.scope["qbo.drop"] = True
    if rule is not None and rule.kind == "xml":
        reply.force_xml = True
    return reply


def parse_body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            "Property Name:No content to map due to end-of-input specified is unsupported or invalid",
        )
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            f"Property Name:Unexpected character: {str(exc)[:120]} specified is unsupported or invalid",
        ) from exc
    if not isinstance(data, dict):
        raise fault(
            "2010",
            "Request has invalid or unsupported property",
            "Property Name:Cannot deserialize instance of the entity out of a non-object token "
            "specified is unsupported or invalid",
        )
    return wire.normalise_numbers(data)


def _entity_reply(ctx: Ctx, name: str, obj: dict[str, Any]) -> Reply:
    if ctx.realm.get(name, str(obj.get("Id", ""))) is obj:
        time = wire.response_time(ctx.now(), ctx.realm.tz)
        return Reply(
            200,
            b'{"' + name.encode() + b'":' + ctx.realm.row_bytes(obj) + b',"time":"' + time.encode() + b'"}',
        )
    return Reply(200, wire.dumps(ctx.envelope({name: obj})))


def _dispatch(
    emu: Emulator,
    ctx: Ctx,
    method: str,
    rest: str,
    params: dict[str, str],
    raw: bytes,
    content_type: str,
    client_id: str,
) -> Reply:
    parts = [p for p in rest.split("/") if p]
    rel = f"/v3/company/{ctx.realm.realm_id}/{rest}"
    full = f"https://sandbox-quickbooks.api.intuit.com{rel}"
    if not parts:
        raise unsupported_operation(rel, full)
    head = parts[0].lower()
    if head == "query" and len(parts) == 1:
        if method == "GET":
            text = params.get("query", "")
        else:
            text = raw.decode("utf-8", "replace") if raw else params.get("query", "")
            if "json" in content_type and text.lstrip().startswith("{"):
                with contextlib.suppress(ValueError, AttributeError):
                    text = str(json.loads(text).get("query", text))
        return Reply(200, render_query(ctx, text))
    if head == "batch" and len(parts) == 1 and method == "POST":
        return Reply(200, wire.dumps(ctx.envelope(run_batch(emu, ctx, parse_body(raw)))))
    if head == "cdc" and len(parts) == 1 and method in ("GET", "POST"):
        return Reply(200, wire.dumps(ctx.envelope(run_cdc(ctx, params))))
    if head == "taxservice" and len(parts) == 2 and parts[1].lower() == "taxcode" and method == "POST":
        return Reply(200, wire.dumps(create_tax_code(ctx, parse_body(raw))))
    handler = handler_for_path(head)
    if handler is None:
        raise unsupported_operation(rel, full)
    if method == "GET":
        if len(parts) == 1 and handler.name == "Preferences":
            return _entity_reply(ctx, handler.name, handler.read(ctx, "1"))
        if (
            len(parts) == 3
            and parts[2].lower() == "pdf"
            and handler.name in ("Invoice", "CreditMemo", "Payment")
        ):
            handler.read(ctx, _checked_id(parts[1]))
            return Reply(200, PDF_BYTES, "application/pdf")
        if len(parts) != 2:
            raise unsupported_operation(rel, full)
        obj_id = parts[1] if handler.name == "CompanyInfo" else _checked_id(parts[1], handler.name)
        return _entity_reply(ctx, handler.name, handler.read(ctx, obj_id))
    if method != "POST" or len(parts) != 1:
        raise unsupported_operation(rel, full)
    return perform(ctx, handler, params.get("operation", ""), params.get("include", ""), parse_body(raw))


def _checked_id(raw_id: str, entity: str = "") -> str:
    if entity in ("TaxCode",) and raw_id in ("TAX", "NON"):
        return raw_id
    if not raw_id.isdigit():
        raise fault("2030", "Invalid ID", f"Id should be a valid number. Supplied value:{raw_id}", "Id")
    return raw_id


def perform(ctx: Ctx, handler: base.Handler, operation: str, include: str, body: dict[str, Any]) -> Reply:
    """Create / update / delete / void, chosen the way QBO does from the query string and the body."""
    result = apply_operation(ctx, handler, operation, include, body)
    return _entity_reply(ctx, handler.name, result)


def apply_operation(
    ctx: Ctx, handler: base.Handler, operation: str, include: str, body: dict[str, Any], options: str = ""
) -> dict[str, Any]:
    op = operation.lower()
    if op == "delete":
        if not handler.deletable:
            raise base.unsupported(ctx, handler.path)
        return handler.delete(ctx, body)
    if op == "void" or (op == "update" and (include.lower() == "void" or options.lower() == "void")):
        if not handler.voidable:
            raise base.unsupported(ctx, handler.path)
        return handler.void(ctx, body)
    if op not in ("", "create", "update"):
        raise base.unsupported(ctx, handler.path)
    if op == "update" or (op == "" and body.get("Id") not in (None, "")):
        sparse = body.get("sparse") is True or str(body.get("sparse")).lower() == "true"
        return handler.update(ctx, body, sparse)
    if not handler.creatable:
        raise base.unsupported(ctx, handler.path)
    return handler.create(ctx, body)


__all__ = ["REGISTRY", "api_endpoint", "apply_operation", "parse_body"]
