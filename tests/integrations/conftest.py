"""Fixtures for the QuickBooks integration: the emulator in a thread (one per session, reset per test),
settings pointing the app at it, and helpers that walk Intuit's authorize pages over plain HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from qbo_emulator.testing import sign_in_and_consent

CLIENT_ID = "tanto-tests"
CLIENT_SECRET = "tanto-tests-secret"
TEST_CALLBACK = "http://testserver/integrations/quickbooks/callback"
PASSWORD = "sandbox"


@pytest.fixture(scope="session")
def emulator() -> Iterator[Any]:
    from qbo_emulator.testing import run_emulator_in_thread

    emu = run_emulator_in_thread(limits_enabled=False, webhooks_enabled=False)
    yield emu
    emu.stop()


def register_app(emu: Any, *redirect_uris: str) -> None:
    emu.control(
        "POST",
        "apps",
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": list(redirect_uris)},
    )


def point_at(settings: Any, emu: Any, redirect_uri: str) -> None:
    settings.QBO_ENVIRONMENT = emu.discovery_url
    settings.QBO_API_BASE_URL = emu.base_url
    settings.QBO_CLIENT_ID = CLIENT_ID
    settings.QBO_CLIENT_SECRET = CLIENT_SECRET
    settings.QBO_REDIRECT_URI = redirect_uri


@pytest.fixture
def qbo(emulator: Any, settings: Any) -> Any:
    """The emulator, freshly reset, with the app's settings pointing at it (test-client callback URL)."""
    emulator.reset()
    register_app(emulator, TEST_CALLBACK)
    point_at(settings, emulator, TEST_CALLBACK)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return emulator


@pytest.fixture
def qbo_live(emulator: Any, settings: Any, live_server: Any) -> Any:
    """As `qbo`, for browser tests: Intuit sends the browser back to the live server."""
    callback = f"{live_server.url}/integrations/quickbooks/callback"
    emulator.reset()
    register_app(emulator, callback)
    point_at(settings, emulator, callback)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    return emulator


def intuit_authorize(
    authorize_url: str, email: str, *, company: str | None = None, action: str = "connect"
) -> str:
    return sign_in_and_consent(authorize_url, email, PASSWORD, company=company, action=action)


def callback_path(callback_url: str) -> str:
    parts = urlsplit(callback_url)
    return f"{parts.path}?{parts.query}"


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def connect(admin_client: Any, workspace: Any) -> Any:
    """Runs Connect → Intuit → callback through the Django test client; returns the callback response."""

    def run(
        email: str = "solo@example.com",
        company: str | None = None,
        *,
        client: Any = None,
        ws: Any = None,
        action: str = "connect",
    ) -> Any:
        client = client or admin_client
        ws = ws or workspace
        start = client.post(f"/w/{ws.pk}/integrations/quickbooks/connect/")
        assert start.status_code == 302, start.content
        callback = intuit_authorize(start["Location"], email, company=company, action=action)
        return client.get(callback_path(callback))

    return run


@pytest.fixture
def connected(connect: Any, workspace: Any) -> Any:
    """Connects the workspace and returns the stored connection."""
    from tanto.integrations.quickbooks.models import QuickBooksConnection

    def run(email: str = "solo@example.com", company: str | None = None) -> Any:
        response = connect(email, company)
        assert response.status_code == 302
        return QuickBooksConnection.objects.get(workspace=workspace, status="connected")

    return run


def step_url(ws: Any, step: str) -> str:
    return f"/w/{ws.pk}/integrations/quickbooks/setup/{step}/"
