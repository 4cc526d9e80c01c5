"""Fixtures: one real emulator server per session (reset before each test) plus helpers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from qbo_emulator.testing import REALM_UK, REALM_US, RunningEmulator, run_emulator_in_thread


@pytest.fixture(scope="session")
def server() -> Iterator[RunningEmulator]:
    with run_emulator_in_thread(limits_enabled=False, webhook_time_scale=0.001) as running:
        yield running


@pytest.fixture
def emu(server: RunningEmulator) -> RunningEmulator:
    server.reset()
    return server


class Api:
    """A tiny client for one realm: `get("customer/1")`, `post("invoice", {...})`, `query("select ...")`."""

    def __init__(self, server: RunningEmulator, realm_id: str) -> None:
        self.server = server
        self.realm_id = realm_id
        self.token = server.token(realm_id)
        self.client = httpx.Client(
            base_url=server.company_url(realm_id), headers=server.auth(self.token), timeout=10
        )

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(f"/{path}", **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return self.client.post(f"/{path}", json=body, **kw)

    def query(self, text: str) -> httpx.Response:
        return self.client.get("/query", params={"query": text})

    def ok(self, response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def create(self, entity: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.ok(self.post(entity.lower(), body))[entity]

    def fault(self, response: httpx.Response, status: int = 400) -> dict[str, Any]:
        assert response.status_code == status, response.text
        error: dict[str, Any] = response.json()["Fault"]["Error"][0]
        return error


@pytest.fixture
def us(emu: RunningEmulator) -> Iterator[Api]:
    api = Api(emu, REALM_US)
    yield api
    api.client.close()


@pytest.fixture
def uk(emu: RunningEmulator) -> Iterator[Api]:
    api = Api(emu, REALM_UK)
    yield api
    api.client.close()
