"""Batch (per-item results in one 200) and change data capture."""

from __future__ import annotations

from .conftest import Api


def test_batch_mixed_results(us: Api) -> None:
    invoice = us.create(
        "Invoice",
        {
            "Line": [{"Amount": 5.0, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
            "CustomerRef": {"value": "1"},
        },
    )
    body = {
        "BatchItemRequest": [
            {"bId": "bid1", "operation": "create", "Vendor": {"DisplayName": "Boraski Family Store"}},
            {"bId": "bid2", "operation": "delete", "Invoice": {"Id": "99999", "SyncToken": "0"}},
            {
                "bId": "bid3",
                "operation": "update",
                "Customer": {"Id": "1", "SyncToken": "7", "sparse": True, "Notes": "x"},
            },
            {"bId": "bid4", "Query": "select * from Invoice where TotalAmt > '1.00'"},
            {
                "bId": "bid5",
                "operation": "update",
                "optionsData": "void",
                "Invoice": {"Id": invoice["Id"], "SyncToken": "0"},
            },
        ]
    }
    response = us.post("batch", body)
    assert response.status_code == 200
    items = {item["bId"]: item for item in response.json()["BatchItemResponse"]}
    assert items["bid1"]["Vendor"]["DisplayName"] == "Boraski Family Store"
    assert items["bid2"]["Fault"]["Error"][0]["code"] == "610"
    assert items["bid3"]["Fault"]["Error"][0]["code"] == "5010"
    assert items["bid3"]["Fault"]["type"] == "ValidationFault"
    assert items["bid4"]["QueryResponse"]["Invoice"]
    assert items["bid5"]["Invoice"]["PrivateNote"] == "Voided"


def test_batch_over_30_items_is_1040(us: Api) -> None:
    body = {"BatchItemRequest": [{"bId": str(n), "Query": "select * from Term"} for n in range(31)]}
    assert us.fault(us.post("batch", body))["code"] == "1040"


def test_cdc_returns_changes_and_deleted_markers(us: Api) -> None:
    since = us.ok(us.get("customer/1"))["time"]
    customer = us.create("Customer", {"DisplayName": "CDC Person"})
    invoice = us.create(
        "Invoice",
        {
            "Line": [{"Amount": 5.0, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {}}],
            "CustomerRef": {"value": customer["Id"]},
        },
    )
    us.ok(us.post("invoice", {"Id": invoice["Id"], "SyncToken": "0"}, params={"operation": "delete"}))
    data = us.ok(us.get("cdc", params={"entities": "customer,Invoice,Vendor", "changedSince": since}))
    responses = data["CDCResponse"][0]["QueryResponse"]
    assert len(responses) == 3
    assert any(c["Id"] == customer["Id"] for c in responses[0]["Customer"])
    assert responses[1]["Invoice"] == [
        {
            "domain": "QBO",
            "status": "Deleted",
            "Id": invoice["Id"],
            "MetaData": {"LastUpdatedTime": responses[1]["Invoice"][0]["MetaData"]["LastUpdatedTime"]},
        }
    ]
    assert responses[2] == {}


def test_cdc_lookback_limit_and_required_params(us: Api) -> None:
    assert (
        us.fault(us.get("cdc", params={"entities": "Customer", "changedSince": "2001-01-01"}))["code"]
        == "6000"
    )
    assert us.fault(us.get("cdc", params={"changedSince": "2026-01-01"}))["code"] == "2020"


def test_cdc_caps_at_1000_objects(us: Api) -> None:
    since = us.ok(us.get("customer/1"))["time"]
    us.server.control("POST", "clock", {"advance_seconds": 1})
    us.server.control("POST", "seed", {"realm_id": us.realm_id, "customers": 0})
    for n in range(3):
        us.create("Customer", {"DisplayName": f"cdc {n}"})
    data = us.ok(us.get("cdc", params={"entities": "Customer", "changedSince": since}))
    assert len(data["CDCResponse"][0]["QueryResponse"][0]["Customer"]) == 3
