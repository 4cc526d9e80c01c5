"""Property tests: what QBO computes holds for any valid lines (in-process ASGI, no sockets)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qbo_emulator.testing import REALM_UK, REALM_US, asgi_client

from .test_fuzz import SyncAsgi


@pytest.fixture(scope="module")
def api() -> Iterator[tuple[SyncAsgi, dict[str, dict[str, str]]]]:
    async_client, emu = asgi_client(limits_enabled=False)
    client = SyncAsgi(async_client)
    headers = {}
    for realm in (REALM_US, REALM_UK):
        grant = emu.tokens.issue_grant(
            "tanto-demo", realm, "owner@example.com", ["com.intuit.quickbooks.accounting"]
        )
        token = emu.tokens.token_response(grant)["access_token"]
        headers[realm] = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    yield client, headers
    client.close()


cents = st.integers(min_value=0, max_value=10_000_00).map(lambda c: Decimal(c) / 100)
qty_price = st.tuples(st.integers(1, 50), st.integers(1, 100_00).map(lambda c: Decimal(c) / 100))
line_spec = st.one_of(cents.map(lambda a: ("amount", a)), qty_price.map(lambda qp: ("qty", qp)))
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _line(spec: tuple[str, Any], tax_code: str) -> dict[str, Any]:
    kind, value = spec
    detail: dict[str, Any] = {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": tax_code}}
    if kind == "amount":
        return {"Amount": float(value), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail}
    qty, price = value
    detail.update(Qty=qty, UnitPrice=float(price))
    return {"Amount": float(qty * price), "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail}


@PROPS
@given(specs=st.lists(line_spec, min_size=1, max_size=6))
def test_us_totals_are_the_sum_of_lines(
    api: tuple[SyncAsgi, dict[str, dict[str, str]]], specs: list[Any]
) -> None:
    client, headers = api
    body = {"CustomerRef": {"value": "2"}, "Line": [_line(s, "NON") for s in specs]}
    response = client.post(f"/v3/company/{REALM_US}/invoice", json=body, headers=headers[REALM_US])
    assert response.status_code == 200, response.text
    invoice = response.json()["Invoice"]
    lines = [
        Decimal(str(ln["Amount"])) for ln in invoice["Line"] if ln["DetailType"] == "SalesItemLineDetail"
    ]
    subtotal = next(ln for ln in invoice["Line"] if ln["DetailType"] == "SubTotalLineDetail")
    assert Decimal(str(subtotal["Amount"])) == sum(lines)
    assert Decimal(str(invoice["TotalAmt"])) == sum(lines) == Decimal(str(invoice["Balance"]))


@PROPS
@given(
    specs=st.lists(line_spec, min_size=1, max_size=6),
    code=st.sampled_from(["2", "3", "4", "5", "6"]),
    inclusive=st.booleans(),
)
def test_uk_total_is_net_plus_vat(
    api: tuple[SyncAsgi, dict[str, dict[str, str]]], specs: list[Any], code: str, inclusive: bool
) -> None:
    client, headers = api
    body = {
        "CustomerRef": {"value": "1"},
        "Line": [_line(s, code) for s in specs],
        "GlobalTaxCalculation": "TaxInclusive" if inclusive else "TaxExcluded",
    }
    response = client.post(f"/v3/company/{REALM_UK}/invoice", json=body, headers=headers[REALM_UK])
    assert response.status_code == 200, response.text
    invoice = response.json()["Invoice"]
    net = sum(
        Decimal(str(ln["Amount"])) for ln in invoice["Line"] if ln["DetailType"] == "SalesItemLineDetail"
    )
    tax = Decimal(str(invoice["TxnTaxDetail"]["TotalTax"]))
    total = Decimal(str(invoice["TotalAmt"]))
    assert total == net + tax
    sent = sum(Decimal(str(ln["Amount"])) for ln in body["Line"])  # type: ignore[misc]
    assert total == (sent if inclusive else sent + tax)
    assert sum(Decimal(str(t["Amount"])) for t in invoice["TxnTaxDetail"].get("TaxLine", [])) == tax
