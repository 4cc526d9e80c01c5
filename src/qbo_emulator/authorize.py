"""Intuit's authorize pages: sign in (Email, Password), choose a company (only with several), consent
(Connect / Cancel), then a redirect with code, state and realmId. Unknown apps or redirect URIs get an error
page, never a redirect. The flow's state lives server-side under an unguessable auth_id, which doubles as the
forms' CSRF token."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .oauth import ACCOUNTING_SCOPES, CODE_TTL, SESSION_COOKIE, read_form
from .store import CodeRecord
from .ui.html import esc, hidden, page

if TYPE_CHECKING:
    from .app import Emulator


def error_page(title: str, message: str, status: int = 400) -> HTMLResponse:
    return HTMLResponse(
        page(title, f"<h1>{esc(title)}</h1><p class=error>{esc(message)}</p>"), status_code=status
    )


def _signed_in(emu: Emulator, request: Request) -> str | None:
    sid = request.cookies.get(SESSION_COOKIE)
    return emu.store.auth.sessions.get(sid) if sid else None


def _redirect_with(uri: str, params: dict[str, str]) -> RedirectResponse:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return RedirectResponse(urlunsplit(parts._replace(query=urlencode(query))), status_code=302)


def sign_in_form(
    auth_id: str, error: str = "", email: str = "", action: str = "/connect/oauth2/signin"
) -> str:
    err = f"<p class=error role=alert>{esc(error)}</p>" if error else ""
    return (
        f"<h1>Sign in</h1><p class=muted>Use your Intuit account (emulated).</p>{err}"
        f'<form method="post" action="{esc(action)}">{hidden("auth_id", auth_id)}'
        f'<label for="email">Email</label><input type="email" id="email" name="email" value="{esc(email)}" '
        'autocomplete="username" required>'
        '<label for="password">Password</label><input type="password" id="password" name="password" '
        'autocomplete="current-password" required><p><button type="submit">Sign in</button></p></form>'
    )


async def authorize(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    q = request.query_params
    app = emu.store.auth.apps.get(q.get("client_id", ""))
    if app is None:
        return error_page(
            "Something went wrong", "The client_id is not registered with this emulator (invalid_client)."
        )
    redirect_uri = q.get("redirect_uri", "")
    if redirect_uri not in app.redirect_uris:
        return error_page(
            "Something went wrong", "The redirect_uri is not registered for this app (invalid redirect_uri)."
        )
    if q.get("response_type", "code") != "code":
        return _redirect_with(
            redirect_uri, {"error": "unsupported_response_type", "state": q.get("state", "")}
        )
    scopes = [s for s in q.get("scope", "").replace("+", " ").split() if s]
    if not scopes:
        return _redirect_with(redirect_uri, {"error": "invalid_scope", "state": q.get("state", "")})
    auth_id = secrets.token_urlsafe(24)
    emu.pending[auth_id] = {
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scopes": scopes,
        "state": q.get("state", ""),
        "realm_id": "",
        "created": time.time(),
    }
    email = _signed_in(emu, request)
    if email:
        emu.pending[auth_id]["email"] = email
        return _step(emu, auth_id)
    return HTMLResponse(page("Sign in", sign_in_form(auth_id)))


def _pending(emu: Emulator, auth_id: str) -> dict[str, Any] | None:
    pending = emu.pending.get(auth_id)
    if pending and time.time() - pending["created"] > 3600:
        emu.pending.pop(auth_id, None)
        return None
    return pending


async def sign_in(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    form = await read_form(request)
    auth_id = form.get("auth_id", "")
    pending = _pending(emu, auth_id)
    if pending is None:
        return error_page("Session expired", "This sign-in request expired. Start again from the app.")
    email = form.get("email", "").strip().lower()
    user = emu.store.auth.users.get(email)
    if user is None or not secrets.compare_digest(user.password, form.get("password", "")):
        return HTMLResponse(
            page("Sign in", sign_in_form(auth_id, "Invalid email or password.", email)), status_code=401
        )
    sid = secrets.token_urlsafe(24)
    with emu.store.lock:
        emu.store.auth.sessions[sid] = email
    pending["email"] = email
    response = RedirectResponse(f"/connect/oauth2/step?auth_id={auth_id}", status_code=303)
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", path="/")
    return response


async def step(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    auth_id = request.query_params.get("auth_id", "")
    if _pending(emu, auth_id) is None or "email" not in emu.pending[auth_id]:
        return error_page("Session expired", "This sign-in request expired. Start again from the app.")
    return _step(emu, auth_id)


def _companies_of(emu: Emulator, email: str) -> list[tuple[str, str]]:
    return [(r.realm_id, r.name) for r in emu.store.realms.values() if r.owner_email == email]


def _step(emu: Emulator, auth_id: str) -> Response:
    pending = emu.pending[auth_id]
    companies = _companies_of(emu, pending["email"])
    if not companies:
        return error_page("No company", "This user has no QuickBooks company to connect.", 403)
    if not pending["realm_id"]:
        if len(companies) == 1:
            pending["realm_id"] = companies[0][0]
        else:
            options = "".join(
                f'<p><input type="radio" id="realm-{esc(rid)}" name="realm_id" value="{esc(rid)}"'
                f'{" checked" if n == 0 else ""}><label for="realm-{esc(rid)}" style="display:inline">'
                f"{esc(name)}</label></p>"
                for n, (rid, name) in enumerate(companies)
            )
            body = (
                f"<h1>Select a company</h1><form method=post action=/connect/oauth2/company>"
                f"{hidden('auth_id', auth_id)}<fieldset><legend>Company</legend>{options}</fieldset>"
                "<p><button type=submit>Next</button></p></form>"
            )
            return HTMLResponse(page("Select a company", body))
    app = emu.store.auth.apps[pending["client_id"]]
    realm = emu.store.realms[pending["realm_id"]]
    scopes = "".join(f"<li>{esc(s)}</li>" for s in pending["scopes"])
    body = (
        f"<h1>Connect {esc(app.display_name)} to {esc(realm.name)}</h1>"
        f"<p><strong>{esc(app.display_name)}</strong> wants access to <strong>{esc(realm.name)}</strong>"
        f" with these permissions:</p><ul>{scopes}</ul>"
        f"<form method=post action=/connect/oauth2/consent>{hidden('auth_id', auth_id)}"
        "<button type=submit name=action value=connect>Connect</button> "
        "<button type=submit name=action value=cancel class=secondary>Cancel</button></form>"
    )
    return HTMLResponse(page("Connect", body))


async def choose_company(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    form = await read_form(request)
    auth_id = form.get("auth_id", "")
    pending = _pending(emu, auth_id)
    if pending is None or "email" not in pending:
        return error_page("Session expired", "This sign-in request expired. Start again from the app.")
    realm_id = form.get("realm_id", "")
    if realm_id not in dict(_companies_of(emu, pending["email"])):
        return error_page("Select a company", "Choose one of your companies.")
    pending["realm_id"] = realm_id
    return RedirectResponse(f"/connect/oauth2/step?auth_id={auth_id}", status_code=303)


async def consent(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    form = await read_form(request)
    auth_id = form.get("auth_id", "")
    pending = _pending(emu, auth_id)
    if pending is None or not pending.get("realm_id") or "email" not in pending:
        return error_page("Session expired", "This sign-in request expired. Start again from the app.")
    emu.pending.pop(auth_id, None)
    if form.get("action") != "connect":
        return _redirect_with(pending["redirect_uri"], {"error": "access_denied", "state": pending["state"]})
    code = "AB11" + secrets.token_urlsafe(36).replace("-", "x").replace("_", "y")
    with emu.store.lock:
        emu.store.auth.codes[code] = CodeRecord(
            pending["client_id"],
            pending["redirect_uri"],
            pending["realm_id"],
            pending["email"],
            pending["scopes"],
            emu.clock.time() + CODE_TTL,
        )
        emu.store.mark_dirty()
    params = {"code": code, "state": pending["state"]}
    if any(s in ACCOUNTING_SCOPES for s in pending["scopes"]):
        params["realmId"] = pending["realm_id"]
    return _redirect_with(pending["redirect_uri"], params)
