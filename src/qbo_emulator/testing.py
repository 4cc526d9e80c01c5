"""Helpers for pytest: a real server on a free loopback port in a thread, and an in-process ASGI client.

with run_emulator_in_thread(limits_enabled=False) as emu:
    token = emu.token()                      # token-endpoint JSON for the demo app and the US realm
    httpx.get(f"{emu.base_url}/v3/company/{emu.realm_us}/customer/1", headers=emu.auth(token))
"""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import fields
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
import uvicorn

from .app import Emulator, create_app
from .companies.seed import SEED_COMPANIES
from .config import EmulatorConfig

REALM_US, REALM_UK, REALM_SOLO = (c[0] for c in SEED_COMPANIES)


def make_config(**overrides: Any) -> EmulatorConfig:
    names = {f.name for f in fields(EmulatorConfig)}
    unknown = set(overrides) - names
    if unknown:
        raise TypeError(f"unknown config keys: {sorted(unknown)}")
    return EmulatorConfig(**overrides)


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class RunningEmulator:
    """A started emulator. `emulator` is the in-process object (its store, clock, stats...)."""

    realm_us = REALM_US
    realm_uk = REALM_UK
    realm_solo = REALM_SOLO

    def __init__(
        self, server: uvicorn.Server, thread: threading.Thread, emulator: Emulator, base_url: str
    ) -> None:
        self._server = server
        self._thread = thread
        self.emulator = emulator
        self.base_url = base_url
        self.api_base = f"{base_url}/v3"
        self.discovery_url = f"{base_url}/.well-known/openid_sandbox_configuration"
        self.client = httpx.Client(base_url=base_url, timeout=10)

    def control(self, method: str, path: str, json: Any = None) -> Any:
        """Call /_emulator/<path> and return the decoded JSON (raises on HTTP errors)."""
        response = self.client.request(method, f"/_emulator/{path.lstrip('/')}", json=json)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self) -> None:
        self.control("POST", "reset")

    def token(self, realm_id: str = REALM_US, client_id: str = "tanto-demo") -> dict[str, Any]:
        result: dict[str, Any] = self.control(
            "POST", "tokens", {"client_id": client_id, "realm_id": realm_id}
        )
        return result

    @staticmethod
    def auth(token: dict[str, Any] | str) -> dict[str, str]:
        access = token if isinstance(token, str) else token["access_token"]
        return {"Authorization": f"Bearer {access}", "Accept": "application/json"}

    def register_app(
        self,
        client_id: str,
        client_secret: str,
        redirect_uris: list[str],
        *,
        webhook_url: str | None = None,
        verifier_token: str | None = None,
        webhook_format: str = "legacy",
    ) -> None:
        self.control(
            "POST",
            "apps",
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": redirect_uris,
                "webhook_url": webhook_url,
                "verifier_token": verifier_token,
                "webhook_format": webhook_format,
            },
        )

    def faults(self, *rules: dict[str, Any]) -> None:
        """Replace the injected-fault rules; call with no rules to clear them."""
        if rules:
            self.control("POST", "faults", list(rules))
        else:
            self.control("DELETE", "faults")

    def advance(self, seconds: float) -> None:
        self.control("POST", "clock", {"advance_seconds": seconds})

    def seed(self, realm_id: str = REALM_US, customers: int = 0, vendors: int = 0) -> dict[str, Any]:
        result: dict[str, Any] = self.control(
            "POST", "seed", {"realm_id": realm_id, "customers": customers, "vendors": vendors}
        )
        return result

    def settings(self, realm_id: str | None = None, **values: Any) -> dict[str, Any]:
        body = dict(values, realm_id=realm_id) if realm_id else values
        result: dict[str, Any] = self.control("POST", "settings", body)
        return result

    def stats(self, realm_id: str = REALM_US) -> dict[str, Any]:
        result: dict[str, Any] = self.control("GET", "stats").get(realm_id, {})
        return result

    def entities(self, entity: str, realm_id: str = REALM_US) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.control("GET", f"realms/{realm_id}/entities/{entity}")
        return result

    def webhook_deliveries(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.control("GET", "webhooks")["deliveries"]
        return result

    def company_url(self, realm_id: str = REALM_US) -> str:
        return f"{self.base_url}/v3/company/{realm_id}"

    def stop(self) -> None:
        self.client.close()
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> RunningEmulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def run_emulator_in_thread(host: str = "127.0.0.1", **config: Any) -> RunningEmulator:
    """Start uvicorn on a free loopback port in a daemon thread; returns once the server answers."""
    port = _free_port(host)
    cfg = make_config(host=host, port=port, **config)
    app = create_app(cfg)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, name=f"qbo-emulator-{port}", daemon=True)
    thread.start()
    base_url = f"http://{host}:{port}"
    with httpx.Client(timeout=1) as probe:
        for _ in range(2000):
            if server.started:
                try:
                    probe.get(f"{base_url}/.well-known/openid_sandbox_configuration")
                    break
                except httpx.TransportError:
                    pass
            if not thread.is_alive():
                raise RuntimeError("emulator thread exited during start-up")
            threading.Event().wait(0.005)
        else:
            raise RuntimeError("emulator did not start")
    return RunningEmulator(server, thread, app.state.emu, base_url)


def asgi_client(**config: Any) -> tuple[httpx.AsyncClient, Emulator]:
    """An httpx AsyncClient wired straight to a fresh emulator app (no sockets), and the emulator itself."""
    config.setdefault("webhooks_enabled", False)
    app = create_app(make_config(**config))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8001")
    return client, app.state.emu


def emulator_fixture(scope: str = "session", **config: Any) -> Any:
    """A ready-made pytest fixture: `qbo = emulator_fixture(limits_enabled=False)` in a conftest.

    Yields a RunningEmulator for the whole scope; call `.reset()` between tests when they need a clean seed.
    """
    import pytest

    fixture: Any = pytest.fixture

    @fixture(scope=scope)
    def _fixture() -> Any:
        with run_emulator_in_thread(**config) as running:
            yield running

    return _fixture


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="?{name}"?\s+value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="?{name}"?', html
    )
    assert found, f"no {name} field in page"
    return found.group(1)


def sign_in_and_consent(
    authorize_url: str,
    email: str,
    password: str = "sandbox",
    *,
    company: str | None = None,
    action: str = "connect",
) -> str:
    """Walks the authorize pages without a browser, as a user would with one: signs in, picks `company`
    when asked, presses Connect (or Cancel), and returns the callback URL the emulator redirects to (not
    followed). For tests and load scripts of apps that connect to the emulator."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        page = browser.get(authorize_url)
        assert page.status_code == 200, page.text
        base = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
        auth_id = _field(page.text, "auth_id")
        step = browser.post(
            f"{base}/connect/oauth2/signin", data={"auth_id": auth_id, "email": email, "password": password}
        )
        page = browser.get(f"{base}{step.headers['location']}")
        if "Select a company" in page.text:
            assert company, "the emulator asked for a company"
            realm = re.search(rf'value="(\d+)"[^>]*><label[^>]*>{re.escape(company)}<', page.text)
            assert realm, f"company {company} not offered"
            step = browser.post(
                f"{base}/connect/oauth2/company", data={"auth_id": auth_id, "realm_id": realm.group(1)}
            )
            page = browser.get(f"{base}{step.headers['location']}")
        done = browser.post(f"{base}/connect/oauth2/consent", data={"auth_id": auth_id, "action": action})
        assert done.status_code == 302, done.text
        return str(done.headers["location"])
