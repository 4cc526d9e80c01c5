"""State survives a restart when --data-dir is given (so a demo keeps its connection and data)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from qbo_emulator.__main__ import build_parser
from qbo_emulator.persistence import STATE_FILE
from qbo_emulator.testing import REALM_UK, run_emulator_in_thread


def test_restart_keeps_entities_tokens_and_money_formats(tmp_path: Path) -> None:
    with run_emulator_in_thread(data_dir=tmp_path, webhooks_enabled=False) as first:
        token = first.token(REALM_UK)
        headers = first.auth(token)
        made = httpx.post(
            f"{first.company_url(REALM_UK)}/customer", headers=headers, json={"DisplayName": "Persisted Ltd"}
        ).json()["Customer"]
        body = {
            "CustomerRef": {"value": made["Id"]},
            "Line": [
                {
                    "Amount": 10.0,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"TaxCodeRef": {"value": "2"}},
                }
            ],
        }
        invoice = httpx.post(f"{first.company_url(REALM_UK)}/invoice", headers=headers, json=body).json()[
            "Invoice"
        ]
    assert (tmp_path / STATE_FILE).exists()
    with run_emulator_in_thread(data_dir=tmp_path, webhooks_enabled=False) as second:
        response = httpx.get(f"{second.company_url(REALM_UK)}/invoice/{invoice['Id']}", headers=headers)
        assert response.status_code == 200
        assert '"TotalAmt":12.00' in response.text and '"TotalTax":2.00' in response.text
        refreshed = httpx.post(
            f"{second.base_url}/oauth2/v1/tokens/bearer",
            auth=("tanto-demo", "tanto-demo-secret"),
            data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        )
        assert refreshed.status_code == 200
        next_id = httpx.post(
            f"{second.company_url(REALM_UK)}/customer", headers=headers, json={"DisplayName": "After Restart"}
        ).json()["Customer"]["Id"]
        assert int(next_id) > int(made["Id"])


def test_cli_arguments() -> None:
    args = build_parser().parse_args(["--port", "8123", "--data-dir", "/tmp/x", "--no-control"])
    assert (
        args.port == 8123 and args.no_control and str(args.data_dir) == "/tmp/x" and args.host == "127.0.0.1"
    )
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--bogus"])
