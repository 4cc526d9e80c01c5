"""The helpers other test suites use to drive the emulator."""

from __future__ import annotations

import httpx

from qbo_emulator.testing import REALM_UK, REALM_US, RunningEmulator


def test_helper_methods(emu: RunningEmulator) -> None:
    emu.register_app("helper-app", "s3cret", ["http://127.0.0.1:9/cb"], webhook_url=None)
    token = emu.token(REALM_UK, "helper-app")
    assert httpx.get(f"{emu.company_url(REALM_UK)}/customer/1", headers=emu.auth(token)).status_code == 200
    emu.faults({"kind": "http_500", "count": 1})
    assert httpx.get(f"{emu.company_url(REALM_UK)}/customer/1", headers=emu.auth(token)).status_code == 500
    emu.faults()
    assert emu.seed(REALM_US, customers=5)["created"] == {"Customer": 5}
    assert len([c for c in emu.entities("Customer") if c["Active"]]) >= 30
    emu.settings(REALM_US, custom_txn_numbers=True)
    assert emu.entities("Preferences")[0]["SalesFormsPrefs"]["CustomTxnNumbers"] is True
    emu.advance(10)
    assert emu.stats(REALM_UK)["requests"]["GET customer"] == {"200": 1, "500": 1}
    assert emu.webhook_deliveries() == []
    assert emu.discovery_url.endswith("/.well-known/openid_sandbox_configuration")
