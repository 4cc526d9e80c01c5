"""Intuit OAuth 2.0 / OpenID Connect: discovery, token, revoke, userinfo, JWKS (pages: authorize.py).

Token rules (reference §1.5): codes are single use and a replay revokes what the code issued; each refresh
rotates the refresh token and the previous one keeps working for a grace period (24 h) before it is stale;
refresh expiry is rolling (100 days) under a 5-year hard cap.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .store import AccessRecord, Grant, RefreshRecord

if TYPE_CHECKING:
    from .app import Emulator

SESSION_COOKIE = "qbo_emulator_session"
CODE_TTL = 600
ACCESS_PREFIX = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.."
ACCOUNTING_SCOPES = ("com.intuit.quickbooks.accounting", "com.intuit.quickbooks.payment")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Signer:
    """An RSA key for id_tokens, generated per process (clients fetch it from jwks_uri)."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
        e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "alg": "RS256",
                    "use": "sig",
                    "kid": self.kid,
                    "n": _b64url(n),
                    "e": _b64url(e),
                }
            ]
        }

    def sign(self, claims: dict[str, Any]) -> str:
        header = _b64url(json.dumps({"alg": "RS256", "kid": self.kid, "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}".encode()
        signature = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{header}.{payload}.{_b64url(signature)}"


def base_url(request: Request) -> str:
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}"


def discovery(request: Request) -> JSONResponse:
    base = base_url(request)
    return JSONResponse(
        {
            "issuer": f"{base}/op/v1",
            "authorization_endpoint": f"{base}/connect/oauth2",
            "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
            "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
            "revocation_endpoint": f"{base}/v2/oauth2/tokens/revoke",
            "jwks_uri": f"{base}/op/v1/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "address", "phone"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
        }
    )


# --- tokens -----------------------------------------------------------------------------------------------


@dataclass
class AuthResult:
    grant: Grant | None
    error: str = ""
    detail: str = ""


class TokenService:
    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    @property
    def auth(self) -> Any:
        return self.emu.store.auth

    def now(self) -> float:
        return self.emu.clock.time()

    def _access_token(self) -> str:
        return ACCESS_PREFIX + _b64url(secrets.token_bytes(96)) + "." + _b64url(secrets.token_bytes(16))

    def _refresh_token(self, expires_at: float) -> str:
        return f"AB11{int(expires_at)}{secrets.token_urlsafe(24).replace('-', 'x').replace('_', 'y')}"

    def issue_grant(self, client_id: str, realm_id: str, email: str, scopes: list[str]) -> Grant:
        cfg = self.emu.config
        now = self.now()
        grant = Grant(
            grant_id=uuid.uuid4().hex,
            client_id=client_id,
            realm_id=realm_id,
            email=email,
            scopes=scopes,
            created_at=now,
            refresh_expires_at=now + cfg.refresh_token_ttl,
            hard_expires_at=now + cfg.refresh_token_hard_ttl,
        )
        grant.refresh_expires_at = min(grant.refresh_expires_at, grant.hard_expires_at)
        grant.current_refresh = self._refresh_token(grant.refresh_expires_at)
        with self.emu.store.lock:
            self.auth.grants[grant.grant_id] = grant
            self.auth.refresh_tokens[grant.current_refresh] = RefreshRecord(grant.grant_id, now)
        return grant

    def token_response(
        self, grant: Grant, request_headers: dict[str, str] | None = None, base: str = ""
    ) -> dict[str, Any]:
        cfg = self.emu.config
        now = self.now()
        access = self._access_token()
        with self.emu.store.lock:
            self.auth.access_tokens[access] = AccessRecord(grant.grant_id, now + cfg.access_token_ttl)
            self._prune(now)
            self.emu.store.mark_dirty()
        body: dict[str, Any] = {
            "token_type": "bearer",
            "expires_in": cfg.access_token_ttl,
            "refresh_token": grant.current_refresh,
            "x_refresh_token_expires_in": max(0, round(grant.refresh_expires_at - now)),
            "access_token": access,
        }
        headers = {k.lower(): v for k, v in (request_headers or {}).items()}
        if headers.get("x-include-refresh-token-hard-expires-in", "").lower() == "true":
            body["x_refresh_token_hard_expires_in"] = max(0, round(grant.hard_expires_at - now))
        if "openid" in grant.scopes:
            user = self.auth.users.get(grant.email)
            body["id_token"] = self.emu.signer.sign(
                {
                    "sub": user.sub if user else grant.email,
                    "aud": [grant.client_id],
                    "realmid": grant.realm_id,
                    "auth_time": int(grant.created_at),
                    "iss": f"{base}/op/v1",
                    "exp": int(now) + 3600,
                    "iat": int(now),
                }
            )
        return body

    def _prune(self, now: float) -> None:
        expired = [t for t, rec in self.auth.access_tokens.items() if rec.expires_at < now - 86400]
        for token in expired:
            del self.auth.access_tokens[token]

    def authenticate(self, token: str) -> AuthResult:
        if len(token) < 20 or len(token) > 4000:
            return AuthResult(None, "malformed", "Malformed bearer token: too short or too long")
        with self.emu.store.lock:
            record = self.auth.access_tokens.get(token)
            grant = self.auth.grants.get(record.grant_id) if record else None
        if record is None or grant is None:
            return AuthResult(None, "invalid", f"Token invalid: {token[:46]}")
        if grant.revoked:
            return AuthResult(None, "revoked", f"Token revoked: {token[:46]}")
        if record.expires_at <= self.now():
            return AuthResult(None, "expired", f"Token expired: {token[:46]}")
        return AuthResult(grant)

    def exchange_code(self, client_id: str, code: str, redirect_uri: str) -> Grant | str:
        with self.emu.store.lock:
            record = self.auth.codes.get(code)
            if record is None or record.client_id != client_id:
                return "invalid_grant"
            if record.used:
                # A replayed code revokes the tokens it issued (Intuit staff, oauth-jsclient #173).
                issued = self.auth.grants.get(record.grant_id or "")
                if issued:
                    issued.revoked = True
                return "invalid_grant"
            if record.expires_at < self.now() or record.redirect_uri != redirect_uri:
                return "invalid_grant"
            record.used = True
            grant = self.issue_grant(client_id, record.realm_id, record.email, record.scopes)
            record.grant_id = grant.grant_id
            return grant

    def refresh(self, client_id: str, token: str) -> Grant | str:
        now = self.now()
        with self.emu.store.lock:
            record = self.auth.refresh_tokens.get(token)
            grant = self.auth.grants.get(record.grant_id) if record else None
            if record is None or grant is None or grant.client_id != client_id or grant.revoked:
                return "invalid_grant"
            if now >= grant.refresh_expires_at or now >= grant.hard_expires_at:
                return "invalid_grant"
            if record.superseded_at is not None:
                self.emu.stats.bump(grant.realm_id, "stale_token_uses")
                if now - record.superseded_at > self.emu.config.refresh_stale_grace:
                    return "invalid_grant"
                # Within the grace period the old token still works and yields the chain's current token.
                self.emu.stats.bump(grant.realm_id, "token_refreshes")
                return grant
            record.superseded_at = now
            grant.refresh_expires_at = min(now + self.emu.config.refresh_token_ttl, grant.hard_expires_at)
            grant.current_refresh = self._refresh_token(grant.refresh_expires_at)
            self.auth.refresh_tokens[grant.current_refresh] = RefreshRecord(grant.grant_id, now)
            self.emu.stats.bump(grant.realm_id, "token_refreshes")
            return grant

    def revoke(self, token: str) -> None:
        with self.emu.store.lock:
            grant_id = None
            if token in self.auth.refresh_tokens:
                grant_id = self.auth.refresh_tokens[token].grant_id
            elif token in self.auth.access_tokens:
                grant_id = self.auth.access_tokens[token].grant_id
            grant = self.auth.grants.get(grant_id or "")
            if grant:
                grant.revoked = True
                self.emu.store.mark_dirty()


def _client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    if form.get("client_id"):
        return form["client_id"], form.get("client_secret", "")
    return None


async def read_form(request: Request) -> dict[str, str]:
    raw = (await request.body()).decode("utf-8", "replace")
    ctype = request.headers.get("content-type", "")
    if "json" in ctype:
        try:
            data = json.loads(raw or "{}")
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return dict(parse_qsl(raw, keep_blank_values=True))


def _oauth_error(error: str, status: int, description: str | None = None) -> JSONResponse:
    body: dict[str, str] = {}
    if description:
        body["error_description"] = description
    body["error"] = error
    return JSONResponse(body, status_code=status)


def _realm_of_credential(emu: Emulator, code: str, refresh_token: str) -> str:
    """The company a refused code or refresh token belonged to, for the per-realm stats ("-" if unknown)."""
    auth = emu.store.auth
    if code in auth.codes:
        return auth.codes[code].realm_id
    record = auth.refresh_tokens.get(refresh_token)
    grant = auth.grants.get(record.grant_id) if record else None
    return grant.realm_id if grant else "-"


async def token_endpoint(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    form = await read_form(request)
    creds = _client_credentials(request, form)
    app = emu.store.auth.apps.get(creds[0]) if creds else None
    if creds is None or app is None or not secrets.compare_digest(app.client_secret, creds[1]):
        return _oauth_error("invalid_client", 401)
    grant_type = form.get("grant_type", "")
    service = emu.tokens
    if grant_type == "authorization_code":
        result = service.exchange_code(app.client_id, form.get("code", ""), form.get("redirect_uri", ""))
    elif grant_type == "refresh_token":
        result = service.refresh(app.client_id, form.get("refresh_token", ""))
    else:
        return _oauth_error("unsupported_grant_type", 400)
    if isinstance(result, str):
        realm = _realm_of_credential(emu, form.get("code", ""), form.get("refresh_token", ""))
        emu.stats.bump(realm, "invalid_grants")
        if grant_type == "refresh_token":
            return _oauth_error("invalid_grant", 400, "Incorrect or invalid refresh token")
        return _oauth_error("invalid_grant", 400)
    body = service.token_response(result, dict(request.headers), base_url(request))
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def revoke_endpoint(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    form = await read_form(request)
    creds = _client_credentials(request, form)
    app = emu.store.auth.apps.get(creds[0]) if creds else None
    if creds is None or app is None or not secrets.compare_digest(app.client_secret, creds[1]):
        return _oauth_error("invalid_client", 401)
    token = form.get("token", "")
    if not token:
        return _oauth_error("invalid_request", 400)
    emu.tokens.revoke(token)
    return Response(status_code=200)


async def userinfo_endpoint(request: Request) -> Response:
    emu: Emulator = request.app.state.emu
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    result = emu.tokens.authenticate(token)
    if result.grant is None:
        return JSONResponse(
            {"error": "invalid_token"},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'},
        )
    user = emu.store.auth.users.get(result.grant.email)
    if user is None:
        return JSONResponse({"error": "invalid_token"}, status_code=401)
    return JSONResponse(
        {
            "sub": user.sub,
            "email": user.email,
            "emailVerified": True,
            "givenName": user.given_name,
            "familyName": user.family_name,
            "phoneNumber": user.phone,
            "phoneNumberVerified": False,
            "address": {
                "streetAddress": "2700 Coast Ave",
                "locality": "Mountain View",
                "region": "CA",
                "postalCode": "94043",
                "country": "US",
            },
        }
    )


async def jwks_endpoint(request: Request) -> Response:
    return JSONResponse(request.app.state.emu.signer.jwks())
