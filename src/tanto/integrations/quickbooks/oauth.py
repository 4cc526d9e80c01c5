"""Intuit OAuth 2.0: endpoints from the discovery document, code exchange, refresh, revoke, userinfo.

Nothing here touches the database; persisting what comes back (and serialising refreshes) is
tanto.integrations.quickbooks.tokens' job.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings

from tanto.integrations.quickbooks.crypto import Secret
from tanto.integrations.quickbooks.errors import NeedsReconnect, OAuthError, TransientError, clean_text

logger = logging.getLogger(__name__)

DISCOVERY_URLS = {
    "sandbox": "https://developer.intuit.com/.well-known/openid_sandbox_configuration",
    "production": "https://developer.intuit.com/.well-known/openid_configuration",
}
API_BASE_URLS = {
    "sandbox": "https://sandbox-quickbooks.api.intuit.com",
    "production": "https://quickbooks.api.intuit.com",
}
SCOPES = ("com.intuit.quickbooks.accounting", "openid", "email", "profile")
DISCOVERY_TTL = 3600.0
CONNECT_TIMEOUT = 10.0

_discovery_cache: dict[str, tuple[float, Discovery]] = {}


@dataclass(frozen=True)
class Discovery:
    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str
    userinfo_endpoint: str


@dataclass(frozen=True)
class TokenSet:
    access_token: Secret
    refresh_token: Secret
    expires_in: int
    refresh_expires_in: int
    refresh_hard_expires_in: int | None

    @classmethod
    def from_response(cls, data: dict[str, Any]) -> TokenSet:
        """Raises ValueError for an answer that is not a usable token set (storing "None" as a token,
        or an expiry that makes every call refresh, would break the connection)."""
        hard = data.get("x_refresh_token_hard_expires_in")
        return cls(
            access_token=Secret(_token(data.get("access_token"))),
            refresh_token=Secret(_token(data.get("refresh_token"))),
            expires_in=_seconds(data.get("expires_in", 3600), minimum=1),
            refresh_expires_in=_seconds(data.get("x_refresh_token_expires_in", 8726400)),
            refresh_hard_expires_in=_seconds(hard) if hard is not None else None,
        )

    def __repr__(self) -> str:
        return f"TokenSet(expires_in={self.expires_in}, refresh_expires_in={self.refresh_expires_in})"


def discovery_url() -> str:
    env = settings.QBO_ENVIRONMENT
    return DISCOVERY_URLS.get(env, env)


def api_base_url() -> str:
    if settings.QBO_API_BASE_URL:
        return settings.QBO_API_BASE_URL.rstrip("/")
    env = settings.QBO_ENVIRONMENT
    if env in API_BASE_URLS:
        return API_BASE_URLS[env]
    parts = urlsplit(env)
    return f"{parts.scheme}://{parts.netloc}"


def http() -> httpx.Client:
    # QuickBooks gives up on a request after 120 s; we give up sooner and let the outbox retry.
    timeout = httpx.Timeout(
        settings.QBO_HTTP_TIMEOUT_SECONDS, connect=min(CONNECT_TIMEOUT, settings.QBO_HTTP_TIMEOUT_SECONDS)
    )
    return httpx.Client(timeout=timeout, headers={"Accept": "application/json"})


def discovery() -> Discovery:
    url = discovery_url()
    cached = _discovery_cache.get(url)
    if cached and time.monotonic() - cached[0] < DISCOVERY_TTL:
        return cached[1]
    try:
        with http() as client:
            response = client.get(url)
            response.raise_for_status()
            doc = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise TransientError("Intuit's sign-in service could not be reached. Try again in a minute.") from exc
    found = Discovery(
        authorization_endpoint=doc["authorization_endpoint"],
        token_endpoint=doc["token_endpoint"],
        revocation_endpoint=doc["revocation_endpoint"],
        userinfo_endpoint=doc.get("userinfo_endpoint", ""),
    )
    _discovery_cache[url] = (time.monotonic(), found)
    return found


def authorization_url(state: str) -> str:
    query = urlencode(
        {
            "client_id": settings.QBO_CLIENT_ID,
            "response_type": "code",
            "scope": " ".join(SCOPES),
            "redirect_uri": settings.QBO_REDIRECT_URI,
            "state": state,
        }
    )
    return f"{discovery().authorization_endpoint}?{query}"


def _token_request(form: dict[str, str]) -> TokenSet:
    try:
        with http() as client:
            response = client.post(
                discovery().token_endpoint,
                data=form,
                auth=(settings.QBO_CLIENT_ID, settings.QBO_CLIENT_SECRET),
                headers={"x-include-refresh-token-hard-expires-in": "true"},
            )
    except httpx.HTTPError as exc:
        raise TransientError("Intuit's token service could not be reached.") from exc
    tid = clean_text(response.headers.get("intuit_tid", ""), 80)
    body = _json(response)
    if response.status_code == 200 and "access_token" in body:
        try:
            return TokenSet.from_response(body)
        except ValueError as exc:
            raise TransientError(
                "Intuit's token service sent an unreadable answer.", status=200, intuit_tid=tid
            ) from exc
    error = clean_text(body.get("error"), 60)
    logger.warning(
        "quickbooks.oauth.token_refused status=%s error=%s intuit_tid=%s", response.status_code, error, tid
    )
    if error == "invalid_grant":
        raise NeedsReconnect(
            "Intuit no longer accepts this connection; reconnect to QuickBooks.",
            status=response.status_code,
            intuit_tid=tid,
        )
    if response.status_code >= 500:
        raise TransientError(
            "Intuit's token service had a temporary problem.", status=response.status_code, intuit_tid=tid
        )
    raise OAuthError(
        f"Intuit refused the request ({error or response.status_code}).",
        status=response.status_code,
        intuit_tid=tid,
    )


def exchange_code(code: str) -> TokenSet:
    return _token_request(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": settings.QBO_REDIRECT_URI}
    )


def refresh(refresh_token: Secret) -> TokenSet:
    return _token_request({"grant_type": "refresh_token", "refresh_token": refresh_token.reveal()})


def revoke(token: Secret) -> bool:
    """Revoking the refresh token ends the connection at Intuit. True when Intuit confirmed it."""
    try:
        with http() as client:
            response = client.post(
                discovery().revocation_endpoint,
                json={"token": token.reveal()},
                auth=(settings.QBO_CLIENT_ID, settings.QBO_CLIENT_SECRET),
            )
    except (httpx.HTTPError, TransientError):
        logger.warning("quickbooks.oauth.revoke_unreachable")
        return False
    if response.status_code != 200:
        logger.warning("quickbooks.oauth.revoke_refused status=%s", response.status_code)
    return response.status_code == 200


def userinfo(access_token: Secret) -> dict[str, Any]:
    """Who signed in at Intuit (email, name); empty when the endpoint is not offered or fails."""
    endpoint = discovery().userinfo_endpoint
    if not endpoint:
        return {}
    try:
        with http() as client:
            response = client.get(endpoint, headers={"Authorization": f"Bearer {access_token.reveal()}"})
    except httpx.HTTPError:
        return {}
    return _json(response) if response.status_code == 200 else {}


def _token(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a token")
    return value


LONGEST_LIFETIME = 20 * 365 * 86400  # far beyond Intuit's five years; anything longer is garbage


def _seconds(value: Any, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError("not a number of seconds")
    seconds = float(value)  # ValueError for text that is not a number
    if not math.isfinite(seconds) or not minimum <= seconds <= LONGEST_LIFETIME:
        raise ValueError("not a lifetime")
    return int(seconds)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
