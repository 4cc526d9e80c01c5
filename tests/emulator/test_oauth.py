"""OAuth over real HTTP: discovery, the authorize pages, the token endpoint's rules, revoke, userinfo."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import httpx

from qbo_emulator.testing import REALM_UK, REALM_US, RunningEmulator

REDIRECT = "http://127.0.0.1:8000/integrations/quickbooks/callback"
SCOPE = "com.intuit.quickbooks.accounting openid email profile"


def _browser(emu: RunningEmulator) -> httpx.Client:
    return httpx.Client(base_url=emu.base_url, follow_redirects=False, timeout=10)


def _authorize(browser: httpx.Client, state: str = "st4te", client_id: str = "tanto-demo") -> httpx.Response:
    return browser.get(
        "/connect/oauth2",
        params={
            "client_id": client_id,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": SCOPE,
            "state": state,
        },
    )


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, html
    return match.group(1)


def connect(
    emu: RunningEmulator, email: str = "owner@example.com", realm: str = REALM_US
) -> dict[str, list[str]]:
    """Drive the pages like a person would and return the callback's query parameters."""
    with _browser(emu) as browser:
        page = _authorize(browser)
        assert page.status_code == 200
        auth_id = _field(page.text, "auth_id")
        signed = browser.post(
            "/connect/oauth2/signin", data={"auth_id": auth_id, "email": email, "password": "sandbox"}
        )
        assert signed.status_code == 303
        assert "qbo_emulator_session" in signed.headers["set-cookie"]
        step = browser.get(signed.headers["location"])
        if "Select a company" in step.text:
            assert "<button type=submit>Next</button>" in step.text
            chosen = browser.post("/connect/oauth2/company", data={"auth_id": auth_id, "realm_id": realm})
            step = browser.get(chosen.headers["location"])
        assert "Connect" in step.text and "Cancel" in step.text
        done = browser.post("/connect/oauth2/consent", data={"auth_id": auth_id, "action": "connect"})
        assert done.status_code == 302
        location = done.headers["location"]
        assert location.startswith(REDIRECT)
        return parse_qs(urlsplit(location).query)


def _exchange(emu: RunningEmulator, code: str, basic: bool = True) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    headers = {"Accept": "application/json"}
    if basic:
        headers["Authorization"] = "Basic " + base64.b64encode(b"tanto-demo:tanto-demo-secret").decode()
    else:
        data.update(client_id="tanto-demo", client_secret="tanto-demo-secret")
    return httpx.post(f"{emu.base_url}/oauth2/v1/tokens/bearer", data=data, headers=headers)


def _refresh(emu: RunningEmulator, refresh_token: str) -> httpx.Response:
    return httpx.post(
        f"{emu.base_url}/oauth2/v1/tokens/bearer",
        auth=("tanto-demo", "tanto-demo-secret"),
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
    )


def test_discovery_documents_point_at_the_emulator(emu: RunningEmulator) -> None:
    for name in ("openid_sandbox_configuration", "openid_configuration"):
        doc = httpx.get(f"{emu.base_url}/.well-known/{name}").json()
        for key in (
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "revocation_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
        ):
            assert doc[key].startswith(emu.base_url), key
        assert httpx.get(doc["jwks_uri"]).json()["keys"][0]["kty"] == "RSA"


def test_sign_in_page_has_labelled_fields(emu: RunningEmulator) -> None:
    with _browser(emu) as browser:
        html = _authorize(browser).text
    assert '<label for="email">Email</label>' in html and 'id="email"' in html
    assert '<label for="password">Password</label>' in html and 'id="password"' in html
    assert "Sign in</button>" in html


def test_full_flow_with_company_chooser_and_code_exchange(emu: RunningEmulator) -> None:
    params = connect(emu, realm=REALM_UK)
    assert params["state"] == ["st4te"] and params["realmId"] == [REALM_UK]
    response = _exchange(emu, params["code"][0])
    body = response.json()
    assert response.status_code == 200, body
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert {"access_token", "refresh_token", "x_refresh_token_expires_in", "id_token"} <= set(body)
    api = httpx.get(f"{emu.base_url}/v3/company/{REALM_UK}/companyinfo/{REALM_UK}", headers=emu.auth(body))
    assert api.json()["CompanyInfo"]["Country"] == "GB"


def test_single_company_user_skips_chooser(emu: RunningEmulator) -> None:
    params = connect(emu, email="solo@example.com")
    assert params["realmId"] == ["9341452000000003"]


def test_cancel_redirects_with_access_denied(emu: RunningEmulator) -> None:
    with _browser(emu) as browser:
        auth_id = _field(_authorize(browser, state="s2").text, "auth_id")
        signed = browser.post(
            "/connect/oauth2/signin",
            data={"auth_id": auth_id, "email": "solo@example.com", "password": "sandbox"},
        )
        assert "Connect" in browser.get(signed.headers["location"]).text
        done = browser.post("/connect/oauth2/consent", data={"auth_id": auth_id, "action": "cancel"})
    query = parse_qs(urlsplit(done.headers["location"]).query)
    assert query == {"error": ["access_denied"], "state": ["s2"]}


def test_wrong_password_stays_on_sign_in(emu: RunningEmulator) -> None:
    with _browser(emu) as browser:
        auth_id = _field(_authorize(browser).text, "auth_id")
        page = browser.post(
            "/connect/oauth2/signin", data={"auth_id": auth_id, "email": "owner@example.com", "password": "x"}
        )
    assert page.status_code == 401 and "Invalid email or password" in page.text


def test_unknown_client_or_redirect_is_an_error_page_not_a_redirect(emu: RunningEmulator) -> None:
    with _browser(emu) as browser:
        bad_client = _authorize(browser, client_id="nope")
        bad_redirect = browser.get(
            "/connect/oauth2",
            params={
                "client_id": "tanto-demo",
                "redirect_uri": "http://evil/cb",
                "response_type": "code",
                "scope": SCOPE,
                "state": "x",
            },
        )
    for page in (bad_client, bad_redirect):
        assert page.status_code == 400 and "location" not in page.headers
        assert page.headers["content-type"].startswith("text/html")


def test_client_secret_post_and_invalid_client(emu: RunningEmulator) -> None:
    assert _exchange(emu, connect(emu, email="solo@example.com")["code"][0], basic=False).status_code == 200
    bad = httpx.post(
        f"{emu.base_url}/oauth2/v1/tokens/bearer",
        auth=("tanto-demo", "wrong"),
        data={"grant_type": "refresh_token", "refresh_token": "x"},
    )
    assert bad.status_code == 401 and bad.json() == {"error": "invalid_client"}


def test_code_is_single_use_and_replay_revokes_issued_tokens(emu: RunningEmulator) -> None:
    code = connect(emu, email="solo@example.com")["code"][0]
    first = _exchange(emu, code).json()
    replay = _exchange(emu, code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    api = httpx.get(f"{emu.base_url}/v3/company/9341452000000003/customer/1", headers=emu.auth(first))
    assert api.status_code == 401
    assert _refresh(emu, first["refresh_token"]).json()["error"] == "invalid_grant"
    assert emu.control("GET", "stats")["9341452000000003"]["invalid_grants"] == 2


def test_refresh_rotates_with_grace_then_stale(emu: RunningEmulator) -> None:
    first = emu.token()
    second = _refresh(emu, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    # Within the grace period the previous token still works and returns the current one.
    again = _refresh(emu, first["refresh_token"]).json()
    assert again["refresh_token"] == second["refresh_token"]
    emu.control("POST", "clock", {"advance_seconds": 86400 + 60})
    stale = _refresh(emu, first["refresh_token"])
    assert stale.status_code == 400 and stale.json()["error"] == "invalid_grant"
    third = _refresh(emu, second["refresh_token"])
    assert third.status_code == 200
    stats = emu.control("GET", "stats")[REALM_US]
    assert stats["token_refreshes"] >= 3 and stats["stale_token_uses"] >= 2


def test_refresh_expiry_is_rolling_and_hard_cap_header(emu: RunningEmulator) -> None:
    token = emu.token()
    emu.control("POST", "clock", {"advance_seconds": 50 * 86400})
    response = httpx.post(
        f"{emu.base_url}/oauth2/v1/tokens/bearer",
        auth=("tanto-demo", "tanto-demo-secret"),
        headers={"x-include-refresh-token-hard-expires-in": "true"},
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
    )
    body = response.json()
    assert body["x_refresh_token_expires_in"] == 100 * 86400
    assert 0 < body["x_refresh_token_hard_expires_in"] < 5 * 365 * 86400
    emu.control("POST", "clock", {"advance_seconds": 101 * 86400})
    assert _refresh(emu, body["refresh_token"]).json()["error"] == "invalid_grant"


def test_expired_access_token_gets_gateway_401(emu: RunningEmulator) -> None:
    token = emu.token()
    emu.control("POST", "clock", {"advance_seconds": 3601})
    response = httpx.get(f"{emu.company_url()}/customer/1", headers=emu.auth(token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="Intuit", error="invalid_token"'
    error = response.json()["fault"]["error"][0]
    assert error["code"] == "3200" and error["detail"].startswith("Token expired")
    assert response.headers["intuit_tid"].startswith("1-")


def test_missing_or_malformed_bearer(emu: RunningEmulator) -> None:
    for headers in ({}, {"Authorization": "Bearer abc"}, {"Authorization": "Basic abc"}):
        response = httpx.get(f"{emu.company_url()}/customer/1", headers=headers)
        assert response.status_code == 401 and response.json()["fault"]["error"][0]["code"] == "3200"


def test_token_for_another_realm_is_403(emu: RunningEmulator) -> None:
    token = emu.token(REALM_US)
    response = httpx.get(f"{emu.company_url(REALM_UK)}/customer/1", headers=emu.auth(token))
    assert response.status_code == 403 and response.json()["fault"]["error"][0]["code"] == "3100"


def test_revoke_disconnects(emu: RunningEmulator) -> None:
    token = emu.token()
    response = httpx.post(
        f"{emu.base_url}/v2/oauth2/tokens/revoke",
        auth=("tanto-demo", "tanto-demo-secret"),
        json={"token": token["refresh_token"]},
    )
    assert response.status_code == 200
    assert httpx.get(f"{emu.company_url()}/customer/1", headers=emu.auth(token)).status_code == 401
    assert _refresh(emu, token["refresh_token"]).json()["error"] == "invalid_grant"


def test_userinfo(emu: RunningEmulator) -> None:
    info = httpx.get(f"{emu.base_url}/v1/openid_connect/userinfo", headers=emu.auth(emu.token())).json()
    assert info["email"] == "owner@example.com" and info["givenName"] and info["familyName"] and info["sub"]


def test_signed_in_session_skips_sign_in(emu: RunningEmulator) -> None:
    with _browser(emu) as browser:
        auth_id = _field(_authorize(browser).text, "auth_id")
        browser.post(
            "/connect/oauth2/signin",
            data={"auth_id": auth_id, "email": "solo@example.com", "password": "sandbox"},
        )
        again = _authorize(browser, state="second")
    assert again.status_code == 200 and "Connect" in again.text and 'name="password"' not in again.text


def test_code_exchange_rules(emu: RunningEmulator) -> None:
    code = connect(emu, email="solo@example.com")["code"][0]
    wrong_redirect = httpx.post(
        f"{emu.base_url}/oauth2/v1/tokens/bearer",
        auth=("tanto-demo", "tanto-demo-secret"),
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": "http://x/cb"},
    )
    assert wrong_redirect.status_code == 400 and wrong_redirect.json()["error"] == "invalid_grant"
    odd = httpx.post(
        f"{emu.base_url}/oauth2/v1/tokens/bearer",
        auth=("tanto-demo", "tanto-demo-secret"),
        data={"grant_type": "password"},
    )
    assert odd.status_code == 400 and odd.json()["error"] == "unsupported_grant_type"
    unknown = _exchange(emu, "AB11not-a-code")
    assert unknown.status_code == 400 and unknown.json() == {"error": "invalid_grant"}


def test_id_token_is_a_verifiable_rs256_jwt(emu: RunningEmulator) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    token = emu.token()["id_token"]
    header_b64, payload_b64, sig_b64 = token.split(".")

    def unb64(part: str) -> bytes:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    key = httpx.get(f"{emu.base_url}/op/v1/jwks").json()["keys"][0]
    public = rsa.RSAPublicNumbers(
        int.from_bytes(unb64(key["e"]), "big"), int.from_bytes(unb64(key["n"]), "big")
    )
    public.public_key().verify(
        unb64(sig_b64), f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    import json

    claims = json.loads(unb64(payload_b64))
    issuer = httpx.get(f"{emu.base_url}/.well-known/openid_configuration").json()["issuer"]
    assert claims["iss"] == issuer and claims["aud"] == ["tanto-demo"] and claims["realmid"] == REALM_US


def test_hard_cap_ends_the_chain(emu: RunningEmulator) -> None:
    emu.control("POST", "settings", {"refresh_token_hard_ttl": 200})
    token = emu.token()
    assert token["x_refresh_token_expires_in"] == 200
    emu.control("POST", "clock", {"advance_seconds": 150})
    second = _refresh(emu, token["refresh_token"]).json()
    assert second["x_refresh_token_expires_in"] == 50
    emu.control("POST", "clock", {"advance_seconds": 60})
    assert _refresh(emu, second["refresh_token"]).json()["error"] == "invalid_grant"
