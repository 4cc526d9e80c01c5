"""Injected faults, throttles, the clock and stats, over real HTTP (timeouts and drops need it)."""

from __future__ import annotations

import concurrent.futures

import httpx
import pytest

from qbo_emulator.testing import REALM_US, RunningEmulator

from .conftest import Api


def test_http_500_and_503_and_count(us: Api) -> None:
    us.server.control("POST", "faults", [{"kind": "http_500", "path": "/customer/", "count": 1}])
    first = us.get("customer/1")
    assert first.status_code == 500 and first.json()["Fault"]["type"] == "SystemFault"
    assert us.get("customer/1").status_code == 200
    us.server.control("POST", "faults", [{"kind": "http_503", "entity": "Invoice"}])
    assert us.get("invoice/1").status_code == 503
    assert us.get("customer/1").status_code == 200
    us.server.control("DELETE", "faults")
    assert us.get("invoice/1").status_code != 503


def test_path_regex_and_method_matching(us: Api) -> None:
    us.server.control("POST", "faults", [{"kind": "throttle", "method": "POST", "path_regex": r"/customer$"}])
    assert us.get("customer/1").status_code == 200
    throttled = us.post("customer", {"DisplayName": "Throttled"})
    assert throttled.status_code == 429
    assert throttled.json()["fault"]["error"][0]["code"] == "3001"
    stats = us.server.control("GET", "stats")[REALM_US]
    assert stats["injected_faults"]["throttle"] == 1 and stats["limit_violations"] == {}


def test_drop_after_commit_applies_then_closes_connection(us: Api) -> None:
    us.server.control(
        "POST", "faults", [{"kind": "drop_after_commit", "path": "/customer", "method": "POST", "count": 1}]
    )
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        us.post("customer", {"DisplayName": "Dropped But Saved"}, params={"requestid": "drop-1"})
    found = us.ok(us.query("select * from Customer where DisplayName = 'Dropped But Saved'"))
    assert len(found["QueryResponse"]["Customer"]) == 1
    retry = us.post("customer", {"DisplayName": "Dropped But Saved"}, params={"requestid": "drop-1"})
    assert retry.status_code == 200 and retry.json()["Customer"]["DisplayName"] == "Dropped But Saved"


def test_stall_makes_short_timeouts_fail(us: Api) -> None:
    us.server.control("POST", "faults", [{"kind": "stall", "path": "/customer/2", "ms": 700}])
    with pytest.raises(httpx.ReadTimeout):
        us.client.get("/customer/2", timeout=0.2)
    assert us.get("customer/3").status_code == 200


def test_latency_still_answers(us: Api) -> None:
    us.server.control("POST", "faults", [{"kind": "latency", "ms": 50, "count": 1}])
    assert us.get("customer/1").status_code == 200


def test_bad_fault_rules_rejected(emu: RunningEmulator) -> None:
    response = emu.client.post("/_emulator/faults", json=[{"kind": "meteor"}])
    assert response.status_code == 400


def test_requests_per_window_limit(us: Api) -> None:
    us.server.control(
        "POST", "settings", {"limits_enabled": True, "requests_per_window": 5, "limit_window_seconds": 60}
    )
    codes = [us.get("customer/1").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    body = us.get("customer/1").json()
    assert (
        body["fault"]["error"][0]["message"] == "message=ThrottleExceeded; errorCode=003001; statusCode=429"
    )
    us.server.control("POST", "clock", {"advance_seconds": 61})
    assert us.get("customer/1").status_code == 200
    assert us.server.control("GET", "stats")[REALM_US]["limit_violations"]["requests_per_minute"] >= 3


def test_concurrency_limit(us: Api) -> None:
    us.server.control("POST", "settings", {"limits_enabled": True, "concurrent_per_app": 3})
    us.server.control("POST", "faults", [{"kind": "latency", "ms": 1000, "path": "/customer/"}])
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        codes = list(pool.map(lambda _n: us.get("customer/1").status_code, range(6)))
    # A stalled request from an earlier test may still hold a slot, so count at least three refusals.
    assert codes.count(200) + codes.count(429) == 6 and codes.count(429) >= 3 and codes.count(200) >= 2
    stats = us.server.control("GET", "stats")[REALM_US]
    assert stats["peak_concurrency"] <= 3 and stats["limit_violations"]["concurrent"] >= 3


def test_batch_limit(us: Api) -> None:
    us.server.control("POST", "settings", {"limits_enabled": True, "batch_per_window": 2})
    body = {"BatchItemRequest": [{"bId": "1", "Query": "select * from Term"}]}
    codes = [us.post("batch", body).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_stats_count_requests_by_endpoint_and_status(us: Api) -> None:
    # Items, not customers: a stalled customer request from an earlier test may still be finishing.
    us.get("item/1")
    us.get("item/abc")
    stats = us.server.control("GET", "stats")[REALM_US]
    assert stats["requests"]["GET item"] == {"200": 1, "400": 1}


def test_clock_advance_reports_offset(emu: RunningEmulator) -> None:
    result = emu.control("POST", "clock", {"advance_seconds": 120})
    assert result["offset_seconds"] == 120


def test_control_plane_entities_and_companies(emu: RunningEmulator) -> None:
    companies = emu.control("GET", "companies")
    assert {c["name"] for c in companies} >= {"Sandbox Company US", "Sandbox Company UK", "Solo Sandbox US"}
    assert companies[0] == {
        "realm_id": "9341452000000001",
        "name": "Sandbox Company US",
        "country": "US",
        "owner_email": "owner@example.com",
    }
    made = emu.client.post("/_emulator/companies", json={"name": "Test Co", "country": "GB"}).json()
    assert made["country"] == "GB" and made["realm_id"].isdigit()
    rows = emu.control("GET", f"realms/{made['realm_id']}/entities/TaxCode")
    assert any(r["Name"] == "20.0% S" for r in rows)
    emu.reset()
    assert len(emu.control("GET", "companies")) == 3


def test_seed_is_fast_and_realistic(emu: RunningEmulator) -> None:
    result = emu.control("POST", "seed", {"realm_id": REALM_US, "customers": 10000, "vendors": 50})
    assert result["created"] == {"Customer": 10000, "Vendor": 50}
    api = Api(emu, REALM_US)
    count = api.ok(api.query("select count(*) from Customer"))["QueryResponse"]["totalCount"]
    assert count >= 10000
    sample = api.ok(api.query("select * from Customer startposition 5000 maxresults 1"))["QueryResponse"][
        "Customer"
    ][0]
    assert sample["BillAddr"]["City"] and sample["PrimaryEmailAddr"]["Address"]


def test_no_control_plane_gives_404() -> None:
    from qbo_emulator.testing import run_emulator_in_thread

    with run_emulator_in_thread(control=False, webhooks_enabled=False) as running:
        assert running.client.post("/_emulator/reset").status_code == 404
        assert running.client.get("/.well-known/openid_configuration").status_code == 200


def test_entity_rule_matches_queries_about_that_entity(us: Api) -> None:
    us.server.control("POST", "faults", [{"kind": "http_500", "entity": "Invoice"}])
    assert us.query("select * from Invoice").status_code == 500
    assert us.query("select * from Customer").status_code == 200
    posted = us.client.post(
        "/query", content=b"SELECT * FROM Invoice", headers={"Content-Type": "application/text"}
    )
    assert posted.status_code == 500


def test_probability_rules(us: Api) -> None:
    us.server.control("POST", "faults", [{"kind": "http_500", "probability": 0.0}])
    assert all(us.get("customer/1").status_code == 200 for _ in range(5))
    us.server.control("POST", "faults", [{"kind": "http_500", "probability": 1.0}])
    assert us.get("customer/1").status_code == 500


def test_gateway_faults_stay_json_without_accept(us: Api) -> None:
    us.server.control("POST", "faults", [{"kind": "throttle", "count": 1}])
    response = us.client.get("/customer/1", headers={"Accept": "*/*"})
    assert response.status_code == 429 and response.json()["fault"]["error"][0]["code"] == "3001"


def test_xml_fault_kind(us: Api) -> None:
    us.server.control("POST", "faults", [{"kind": "xml", "count": 1}])
    first = us.get("customer/1")
    assert first.headers["content-type"].startswith("application/xml") and "<DisplayName>" in first.text
    assert us.get("customer/1").headers["content-type"].startswith("application/json")
