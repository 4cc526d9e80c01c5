"""The control plane (/_emulator/...): JSON in and out, for tests and demos. Absent with --no-control."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import wire
from .api.base import Ctx
from .api.names import merge
from .companies.seed import bulk_contacts, new_realm, next_realm_id
from .faults import FaultRule, QboFault
from .oauth import base_url
from .store import App, User

if TYPE_CHECKING:
    from .app import Emulator


def _emu(request: Request) -> Emulator:
    emu: Emulator = request.app.state.emu
    return emu


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    return json.loads(raw)


def _wire_json(payload: Any, status: int = 200) -> Response:
    return Response(wire.dumps(payload), status_code=status, media_type="application/json")


async def reset(request: Request) -> Response:
    _emu(request).reset()
    return JSONResponse({"ok": True})


def _company(emu: Emulator, realm_id: str) -> dict[str, str]:
    realm = emu.store.realms[realm_id]
    return {
        "realm_id": realm.realm_id,
        "name": realm.name,
        "country": realm.country,
        "owner_email": realm.owner_email,
    }


async def companies(request: Request) -> Response:
    emu = _emu(request)
    if request.method == "GET":
        return JSONResponse([_company(emu, rid) for rid in emu.store.realms])
    try:
        body = await _json(request)
        name = str(body["name"])
        country = str(body.get("country", "US"))
        owner = str(body.get("owner_email", "owner@example.com")).lower()
    except (ValueError, KeyError, TypeError, AttributeError):
        return _bad('expected {"name", "country"?, "owner_email"?, "realm_id"?}')
    with emu.store.lock:
        realm_id = str(body.get("realm_id") or next_realm_id(emu.store))
        if realm_id in emu.store.realms:
            return _bad(f"realm {realm_id} exists", 409)
        try:
            realm = new_realm(realm_id, name, country, owner)
        except ValueError as exc:
            return _bad(str(exc))
        if owner not in emu.store.auth.users:
            local = owner.split("@")[0].capitalize()
            emu.store.auth.users[owner] = User(
                owner, str(body.get("password", "sandbox")), local, "User", f"sub-{realm_id}"
            )
        emu.store.add_realm(realm)
    return JSONResponse(_company(emu, realm_id), status_code=201)


async def users(request: Request) -> Response:
    emu = _emu(request)
    try:
        body = await _json(request)
        email = str(body["email"]).lower()
        user = User(
            email,
            str(body.get("password", "sandbox")),
            str(body.get("given_name", "Test")),
            str(body.get("family_name", "User")),
            str(body.get("sub", f"sub-{email}")),
        )
    except (ValueError, KeyError, TypeError):
        return _bad('expected {"email", "password"?, "given_name"?, "family_name"?}')
    with emu.store.lock:
        emu.store.auth.users[email] = user
        emu.store.mark_dirty()
    return JSONResponse({"email": email}, status_code=201)


async def apps(request: Request) -> Response:
    emu = _emu(request)
    if request.method == "GET":
        return JSONResponse(
            [
                {
                    "client_id": a.client_id,
                    "redirect_uris": a.redirect_uris,
                    "webhook_url": a.webhook_url,
                    "webhook_format": a.webhook_format,
                }
                for a in emu.store.auth.apps.values()
            ]
        )
    try:
        body = await _json(request)
        fmt = str(body.get("webhook_format", "legacy"))
        if fmt not in ("legacy", "cloudevents"):
            return _bad("webhook_format must be legacy or cloudevents")
        uris = body.get("redirect_uris", [])
        if not isinstance(uris, list):
            return _bad("redirect_uris must be a list")
        app = App(
            client_id=str(body["client_id"]),
            client_secret=str(body["client_secret"]),
            redirect_uris=[str(u) for u in uris],
            webhook_url=body.get("webhook_url"),
            verifier_token=body.get("verifier_token"),
            webhook_format=fmt,
            name=body.get("name"),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return _bad('expected {"client_id", "client_secret", "redirect_uris": [...], "webhook_url"?, ...}')
    emu.register_app(app)
    return JSONResponse({"client_id": app.client_id}, status_code=201)


async def tokens(request: Request) -> Response:
    emu = _emu(request)
    try:
        body = await _json(request)
        client_id, realm_id = str(body["client_id"]), str(body["realm_id"])
    except (ValueError, KeyError, TypeError):
        return _bad('expected {"client_id", "realm_id"}')
    if client_id not in emu.store.auth.apps:
        return _bad(f"unknown client_id {client_id}", 404)
    realm = emu.store.realm(realm_id)
    if realm is None:
        return _bad(f"unknown realm {realm_id}", 404)
    scopes = body.get("scopes") or ["com.intuit.quickbooks.accounting", "openid", "email", "profile"]
    grant = emu.tokens.issue_grant(
        client_id, realm_id, str(body.get("email", realm.owner_email)), list(scopes)
    )
    return JSONResponse(emu.tokens.token_response(grant, dict(request.headers), base_url(request)))


async def faults(request: Request) -> Response:
    emu = _emu(request)
    if request.method == "DELETE":
        emu.faults.clear()
        return JSONResponse({"rules": []})
    if request.method == "GET":
        return JSONResponse({"rules": [r.as_dict() for r in emu.faults.rules()]})
    try:
        body = await _json(request)
        raw_rules = body if isinstance(body, list) else body.get("rules", [body])
        rules = [FaultRule.from_json(r) for r in raw_rules]
    except (ValueError, TypeError, AttributeError) as exc:
        return _bad(f"bad fault rules: {exc}")
    emu.faults.replace(rules)
    return JSONResponse({"rules": [r.as_dict() for r in rules]})


async def clock(request: Request) -> Response:
    emu = _emu(request)
    if request.method == "POST":
        try:
            body = await _json(request)
            emu.clock.advance(float(body.get("advance_seconds", 0)))
        except (ValueError, TypeError, AttributeError):
            return _bad('expected {"advance_seconds": N}')
    return JSONResponse({"now": emu.clock.now().isoformat(), "offset_seconds": emu.clock.offset})


async def seed(request: Request) -> Response:
    emu = _emu(request)
    try:
        body = await _json(request)
        realm_id = str(body["realm_id"])
        counts = {"Customer": int(body.get("customers", 0)), "Vendor": int(body.get("vendors", 0))}
    except (ValueError, KeyError, TypeError):
        return _bad('expected {"realm_id", "customers"?: N, "vendors"?: N}')
    realm = emu.store.realm(realm_id)
    if realm is None:
        return _bad(f"unknown realm {realm_id}", 404)
    created: dict[str, int] = {}
    with emu.store.lock:
        for entity, count in counts.items():
            if count > 0:
                created[entity] = len(bulk_contacts(realm, entity, min(count, 200_000)))
        emu.store.mark_dirty()
    return JSONResponse({"realm_id": realm_id, "created": created})


async def stats(request: Request) -> Response:
    return JSONResponse(_emu(request).stats.snapshot())


async def entities(request: Request) -> Response:
    emu = _emu(request)
    realm = emu.store.realm(request.path_params["realm_id"])
    if realm is None:
        return _bad("unknown realm", 404)
    with emu.store.lock:
        rows = list(realm.table(request.path_params["entity"]).values())
        return _wire_json(rows)


async def settings(request: Request) -> Response:
    """Company preferences per realm and emulator-wide knobs (token lifetimes, limits, webhook timing)."""
    emu = _emu(request)
    try:
        body = await _json(request)
    except ValueError:
        return _bad("invalid JSON")
    if not isinstance(body, dict):
        return _bad("expected an object")
    cfg = emu.config
    knobs = (
        "access_token_ttl",
        "refresh_token_ttl",
        "refresh_token_hard_ttl",
        "refresh_stale_grace",
        "limits_enabled",
        "limit_window_seconds",
        "requests_per_window",
        "concurrent_per_app",
        "batch_per_window",
        "webhook_time_scale",
        "webhooks_enabled",
    )
    for key in knobs:
        if key in body:
            current = getattr(cfg, key)
            setattr(cfg, key, type(current)(body[key]) if not isinstance(current, bool) else bool(body[key]))
    realm_id = body.get("realm_id")
    if realm_id is not None:
        realm = emu.store.realm(str(realm_id))
        if realm is None:
            return _bad("unknown realm", 404)
        with emu.store.lock:
            prefs = realm.table("Preferences")["1"]
            if "multi_currency" in body:
                prefs["CurrencyPrefs"]["MultiCurrencyEnabled"] = bool(body["multi_currency"])
            if "custom_txn_numbers" in body:
                prefs["SalesFormsPrefs"]["CustomTxnNumbers"] = bool(body["custom_txn_numbers"])
            if "home_currency" in body:
                prefs["CurrencyPrefs"]["HomeCurrency"] = {"value": str(body["home_currency"])}
            realm.put("Preferences", dict(prefs))
            emu.store.mark_dirty()
    return JSONResponse({key: getattr(cfg, key) for key in knobs})


async def merge_names(request: Request) -> Response:
    """Merge one customer (or vendor) into another, as an accountant does in QuickBooks."""
    emu = _emu(request)
    try:
        body = await _json(request)
        realm = emu.store.realm(str(body["realm_id"]))
        entity, source, target = (
            str(body.get("entity", "Customer")),
            str(body["source_id"]),
            str(body["target_id"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return _bad('expected {"realm_id", "entity"?: "Customer"|"Vendor", "source_id", "target_id"}')
    if realm is None:
        return _bad("unknown realm", 404)
    ctx = Ctx(emu.store, realm, emu.clock, emu.config)
    try:
        with emu.store.lock:
            merged = merge(ctx, entity, source, target)
    except QboFault as exc:
        return _wire_json(exc.body(), exc.status)
    return _wire_json({entity: merged})


async def webhook_log(request: Request) -> Response:
    emu = _emu(request)
    return JSONResponse({"pending": emu.webhooks.pending(), "deliveries": list(emu.webhooks.log)})


def routes() -> list[Route]:
    return [
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/_emulator/companies", companies, methods=["GET", "POST"]),
        Route("/_emulator/users", users, methods=["POST"]),
        Route("/_emulator/apps", apps, methods=["GET", "POST"]),
        Route("/_emulator/tokens", tokens, methods=["POST"]),
        Route("/_emulator/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_emulator/clock", clock, methods=["GET", "POST"]),
        Route("/_emulator/seed", seed, methods=["POST"]),
        Route("/_emulator/stats", stats),
        Route("/_emulator/settings", settings, methods=["POST"]),
        Route("/_emulator/webhooks", webhook_log),
        Route("/_emulator/merge", merge_names, methods=["POST"]),
        Route("/_emulator/realms/{realm_id}/entities/{entity}", entities),
    ]
