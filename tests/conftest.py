"""Shared fixtures: workspaces with realistic data, logged-in clients, and a real Chromium via Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make beside it are
# ordinary synchronous calls, so Django's guard against ORM use inside async code does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, what: str, install: str) -> None:
    """Skip locally with advice when something is missing; under CI a skip would hide a gap, so fail."""
    if condition:
        return
    message = f"{what} is not available: {install}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings: Any) -> None:
    # The test servers speak plain HTTP on loopback; Secure cookies would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Real hashing is deliberately slow; the tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Any:
    from tanto.accounts.models import User

    def make(email: str, password: str = "pw-for-tests") -> User:
        return User.objects.create_user(email, password)

    return make


@pytest.fixture
def make_workspace(db: None) -> Any:
    from tanto.core.seeding import create_workspace

    def make(
        admin: Any, name: str = "Acme Workshop", country: str = "GB", currency: str = "GBP", **kw: Any
    ) -> Any:
        return create_workspace(
            name,
            country,
            currency,
            admin,
            customers=kw.pop("customers", 4),
            suppliers=kw.pop("suppliers", 2),
            **kw,
        )

    return make


@pytest.fixture
def admin_user(make_user: Any) -> Any:
    return make_user("admin@example.com")


@pytest.fixture
def workspace(make_workspace: Any, admin_user: Any) -> Any:
    return make_workspace(admin_user)


@pytest.fixture
def admin_client(client: Any, admin_user: Any) -> Any:
    client.force_login(admin_user)
    return client


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Module scope, not session: Playwright's sync API keeps an asyncio loop running on this thread while
    # it is open, and tests elsewhere that run their own loop (the emulator's ASGI tests) must not see it.
    require(os.path.exists(CHROMIUM), "Chromium", "apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - it is a dev dependency
        require(False, "Playwright", "uv sync")
        raise
    require(shutil.which(CHROMIUM) is not None, "Chromium", "apt-get install -y chromium")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    one = context.new_page()
    yield one
    context.close()


def log_in(page: Any, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
