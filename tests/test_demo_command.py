"""`tanto demo` (what `make demo` runs): migrate, seed once, serve the app, the emulator and a worker;
SIGTERM stops all three. Started for real as a subprocess on free loopback ports."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)  # polling interval, not a wait for an outcome
    raise AssertionError(f"timed out waiting for {what}")


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


def port_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, int, dict[str, str]]]:
    app_port, emulator_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("QBO_", "DATABASE_URL", "DJANGO_"))},
        "TANTO_DATA_DIR": str(tmp_path / "data"),
        "TANTO_PORT": str(app_port),
        "TANTO_EMULATOR_PORT": str(emulator_port),
    }
    process = subprocess.Popen([sys.executable, "-m", "tanto.cli", "demo"], env=env, start_new_session=True)
    try:
        yield process, app_port, emulator_port, env
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_demo_serves_app_emulator_and_stops_on_sigterm(demo) -> None:
    process, app_port, emulator_port, env = demo
    app = f"http://127.0.0.1:{app_port}"
    emulator = f"http://127.0.0.1:{emulator_port}"
    wait_until(lambda: answers(f"{app}/accounts/login/"), "the app")
    wait_until(lambda: answers(f"{emulator}/.well-known/openid_sandbox_configuration"), "the emulator")

    with httpx.Client(base_url=app, follow_redirects=True, timeout=10) as browser:
        page = browser.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "the login form has a CSRF token"
        sell = browser.post(
            "/accounts/login/",
            data={"username": "demo@example.com", "password": "demo", "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": f"{app}/accounts/login/"},
        )
        assert sell.status_code == 200 and "/sell/" in str(sell.url)
        assert "SO-0012" in sell.text and "Partially delivered" in sell.text

    discovery = httpx.get(f"{emulator}/.well-known/openid_sandbox_configuration").json()
    assert discovery["authorization_endpoint"].startswith(emulator)

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert port_closed(app_port) and port_closed(emulator_port)

    # Seeding happens once: a second run keeps the data it finds.
    again = subprocess.run(
        [sys.executable, "-m", "tanto.cli", "manage", "seed_demo"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "already present" in again.stdout
