"""The emulator's control plane (/_emulator/...: reset, faults, clock, token minting) can hand anyone a
valid token, so a running emulator must be able to switch it off (docs/security.md, "The QuickBooks
emulator"). Its contract: `python -m qbo_emulator` serves the control plane (the demo and the tests
drive it), `--no-control` turns it off. Both are started here as real processes on free loopback ports.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.emulator

CONTROL_PATHS = ("reset", "faults", "clock", "tokens", "stats", "apps", "companies")
START_TIMEOUT_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    """Polls the discovery document until the server answers (or the process dies)."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    with httpx.Client(timeout=1) as probe:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"emulator exited with {process.returncode}")
            try:
                if probe.get(f"{base}/.well-known/openid_sandbox_configuration").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)  # poll interval while the server binds its port, not a wait for an outcome
    raise AssertionError("emulator did not start")


def _emulator(*flags: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "qbo_emulator", "--port", str(port), "--log-level", "warning", *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def without_control() -> Iterator[str]:
    yield from _emulator("--no-control")


@pytest.fixture(scope="module")
def with_control() -> Iterator[str]:
    yield from _emulator()


def test_no_control_answers_404_on_every_control_path(without_control: str) -> None:
    with httpx.Client(base_url=without_control, timeout=5) as http:
        for path in CONTROL_PATHS:
            for method in ("GET", "POST", "DELETE"):
                response = http.request(method, f"/_emulator/{path}", json={})
                assert response.status_code == 404, f"{method} /_emulator/{path} -> {response.status_code}"
        # No way to mint a token without going through sign-in and consent.
        minted = http.post("/_emulator/tokens", json={"client_id": "tanto-demo", "realm_id": "1"})
        assert minted.status_code == 404 and "access_token" not in minted.text
        # The emulated QuickBooks itself still answers.
        assert http.get("/.well-known/openid_sandbox_configuration").status_code == 200


def test_the_control_plane_is_on_by_default_and_only_on_loopback(with_control: str) -> None:
    # What the emulator's CLI promises: on by default (the demo drives it), bound to 127.0.0.1.
    assert with_control.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=with_control, timeout=5) as http:
        assert http.get("/_emulator/stats").status_code == 200
