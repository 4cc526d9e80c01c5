"""Wiring: the Emulator (state + services) and the Starlette app that serves it."""

from __future__ import annotations

import contextlib
import dataclasses
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import api, authorize, control, oauth, wire
from .api.router import api_endpoint
from .clock import Clock
from .companies.seed import seed_store
from .config import EmulatorConfig
from .faults import FaultInjector
from .limits import Limiter
from .persistence import Persistence
from .stats import Stats
from .store import App, Store
from .ui import viewer
from .webhooks import WebhookDispatcher

assert api  # the import registers the entity handlers


class Emulator:
    """Everything one emulator instance owns. Tests reach it via `app.state.emu`."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self._initial_config = dataclasses.replace(self.config)
        self.clock = Clock()
        self.store = Store()
        self.stats = Stats()
        self.limiter = Limiter(self.config, self.clock)
        self.faults = FaultInjector()
        self.signer = oauth.Signer()
        self.tokens = oauth.TokenService(self)
        self.pending: dict[str, dict[str, Any]] = {}
        self.webhooks = WebhookDispatcher(self)
        self.persistence = Persistence(self) if self.config.data_dir else None
        if not (self.persistence and self.persistence.load()):
            seed_store(self.store)
        self.register_demo_app()

    def register_demo_app(self) -> None:
        demo = self.config.demo_app
        if demo is None:
            return
        existing = self.store.auth.apps.get(demo.client_id)
        self.register_app(
            App(
                client_id=demo.client_id,
                client_secret=demo.client_secret,
                redirect_uris=list(demo.redirect_uris),
                webhook_url=demo.webhook_url or (existing.webhook_url if existing else None),
                verifier_token=demo.verifier_token,
                webhook_format=demo.webhook_format,
                name="Tanto",
            )
        )

    def register_app(self, app: App) -> None:
        with self.store.lock:
            self.store.auth.apps[app.client_id] = app
            self.store.mark_dirty()

    def reset(self) -> None:
        """Back to the seed: companies, users and tokens; registered apps stay registered."""
        with self.store.lock:
            apps = dict(self.store.auth.apps)
            self.store.auth.grants.clear()
            self.store.auth.refresh_tokens.clear()
            self.store.auth.access_tokens.clear()
            self.store.auth.codes.clear()
            self.store.auth.sessions.clear()
            seed_store(self.store)
            self.store.auth.apps = apps
        for field in dataclasses.fields(self.config):
            # Runtime knobs changed through /_emulator/settings go back to their start-up values too.
            setattr(self.config, field.name, getattr(self._initial_config, field.name))
        self.register_demo_app()
        self.pending.clear()
        self.faults.clear()
        self.limiter.reset()
        self.stats.reset()
        self.clock.reset()
        self.webhooks.clear()

    def start(self) -> None:
        self.webhooks.start()
        if self.persistence:
            self.persistence.start()

    def stop(self) -> None:
        self.webhooks.stop()
        if self.persistence:
            self.persistence.stop()


API_HEADERS = [
    (b"qbo-version", b"1988.128"),
    (b"cache-control", b"max-age=0, no-cache, no-store, must-revalidate, private"),
    (b"expires", b"0"),
    (b"strict-transport-security", b"max-age=15552000"),
]


class ConnectionDropped(Exception):
    """Raised when no transport can be aborted (in-process ASGI tests): the client sees an error, no reply."""


class WireMiddleware:
    """Adds intuit_tid to every response and implements drop_after_commit by aborting the connection."""

    def __init__(self, app: ASGIApp, emu: Emulator) -> None:
        self.app = app
        self.emu = emu

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tid = wire.intuit_tid(self.emu.clock.time())
        dropped = False

        async def wrapped(message: Message) -> None:
            nonlocal dropped
            if message["type"] == "http.response.start":
                if scope.get("qbo.drop"):
                    dropped = True
                    raw_send = scope.get("qbo.raw_send")
                    transport = getattr(getattr(raw_send, "__self__", None), "transport", None)
                    if transport is None:
                        raise ConnectionDropped("connection dropped after commit")
                    transport.abort()
                    return
                headers = list(message.get("headers", []))
                headers.append((b"intuit_tid", tid.encode()))
                headers.append((b"intuit-tid", tid.encode()))
                if scope.get("path", "").startswith("/v3/"):
                    # The rest of what the API gateway sends on every answer (recorded cassettes).
                    headers.extend(API_HEADERS)
                    headers.append((b"x-spanid", str(uuid.uuid4()).encode()))
                    headers.append((b"x-amzn-trace-id", b"Root=" + tid.encode()))
                message = dict(message, headers=headers)
            if dropped:
                return
            await send(message)

        await self.app(scope, receive, wrapped)


class EmulatorApp(Starlette):
    """Keeps the server's own `send` in the scope so drop_after_commit can reach the TCP transport."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["qbo.raw_send"] = send
        await super().__call__(scope, receive, send)


def _routes(emu: Emulator) -> list[Route]:
    routes = [
        # The API route first: it takes nearly all the traffic, and Starlette tries routes in order.
        Route("/v3/company/{realm_id}/{rest:path}", api_endpoint, methods=["GET", "POST"]),
        Route("/.well-known/openid_sandbox_configuration", oauth.discovery),
        Route("/.well-known/openid_sandbox_configuration/", oauth.discovery),
        Route("/.well-known/openid_configuration", oauth.discovery),
        Route("/.well-known/openid_configuration/", oauth.discovery),
        Route("/connect/oauth2", authorize.authorize),
        Route("/connect/oauth2/signin", authorize.sign_in, methods=["POST"]),
        Route("/connect/oauth2/step", authorize.step),
        Route("/connect/oauth2/company", authorize.choose_company, methods=["POST"]),
        Route("/connect/oauth2/consent", authorize.consent, methods=["POST"]),
        Route("/oauth2/v1/tokens/bearer", oauth.token_endpoint, methods=["POST"]),
        Route("/v2/oauth2/tokens/revoke", oauth.revoke_endpoint, methods=["POST"]),
        Route("/v1/openid_connect/userinfo", oauth.userinfo_endpoint),
        Route("/op/v1/jwks", oauth.jwks_endpoint),
        Route("/", lambda request: RedirectResponse("/app/", status_code=302)),
    ]
    routes += viewer.routes()
    if emu.config.control:
        routes += control.routes()
    return routes


def create_app(config: EmulatorConfig | None = None, emulator: Emulator | None = None) -> Starlette:
    emu = emulator or Emulator(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        emu.start()
        try:
            yield
        finally:
            emu.stop()

    async def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": "not_found", "path": request.url.path}, status_code=404)

    app = EmulatorApp(routes=_routes(emu), lifespan=lifespan, exception_handlers={404: not_found})
    app.state.emu = emu
    app.add_middleware(WireMiddleware, emu=emu)
    return app
