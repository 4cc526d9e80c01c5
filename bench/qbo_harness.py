"""What the QuickBooks benchmarks share: the emulator as a subprocess, and a workspace connected to one
of its companies without the browser flow (tokens from the control plane, stored as the callback does)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from typing import Any

import httpx

CLIENT_ID = "tanto-demo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_emulator(*extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "qbo_emulator", "--port", str(port), "--log-level", "warning", *extra]
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/.well-known/openid_sandbox_configuration", timeout=1).raise_for_status()
            return process, base
        except httpx.HTTPError:
            time.sleep(0.05)  # polling interval while the process starts
    process.kill()
    raise RuntimeError("the emulator did not start")


def point_settings_at(base: str) -> None:
    from django.conf import settings

    settings.QBO_ENVIRONMENT = f"{base}/.well-known/openid_sandbox_configuration"
    settings.QBO_API_BASE_URL = base


def realm_requests(control: httpx.Client, realm: str) -> int:
    stats = control.get("/_emulator/stats").json().get(realm, {})
    return sum(sum(codes.values()) for codes in stats.get("requests", {}).values())


def connect(control: httpx.Client, workspace: Any, realm: str, **fields: Any) -> Any:
    from tanto.integrations.quickbooks.crypto import Secret
    from tanto.integrations.quickbooks.models import QuickBooksConnection
    from tanto.integrations.quickbooks.oauth import TokenSet

    issued = control.post("/_emulator/tokens", json={"client_id": CLIENT_ID, "realm_id": realm}).json()
    conn = QuickBooksConnection(
        workspace=workspace, realm_id=realm, company_name="Bench", country="US", **fields
    )
    for field, value in conn.token_fields(TokenSet.from_response(issued)).items():
        setattr(conn, field, value)
    conn.save()
    assert conn.access_token == Secret(issued["access_token"])
    return conn
