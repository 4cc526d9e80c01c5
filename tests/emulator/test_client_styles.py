"""Requests shaped exactly as public client libraries send them (captured from python-quickbooks 0.9 and
intuit-oauth): every attribute serialised, "" for unset strings, 0 for unset numbers, indented JSON."""

from __future__ import annotations

import json

from .conftest import Api

# python-quickbooks `Invoice().to_json()` with only CustomerRef and one Amount line set.
PQ_INVOICE = {
    "AllowIPNPayment": True,
    "AllowOnlineACHPayment": False,
    "AllowOnlineCreditCardPayment": False,
    "ApplyTaxAfterDiscount": False,
    "Balance": 0,
    "CustomField": [],
    "CustomerRef": {"name": "", "type": "", "value": "1"},
    "Deposit": 0,
    "DueDate": "",
    "EmailStatus": "NotSet",
    "ExchangeRate": 1,
    "FreeFormAddress": False,
    "GlobalTaxCalculation": "TaxExcluded",
    "HomeBalance": 0,
    "HomeTotalAmt": 0,
    "InvoiceLink": "",
    "Line": [
        {
            "Amount": 12.5,
            "CustomField": [],
            "DetailType": "SalesItemLineDetail",
            "LineNum": 0,
            "LinkedTxn": [],
            "SalesItemLineDetail": {
                "ItemRef": {"name": "", "type": "", "value": "1"},
                "Qty": 0,
                "ServiceDate": "",
                "TaxInclusiveAmt": 0,
                "UnitPrice": 0,
            },
        }
    ],
    "LinkedTxn": [],
    "PrintStatus": "NotSet",
    "PrivateNote": "",
    "ShipDate": "",
    "SyncToken": 0,
    "TotalAmt": "",
    "TrackingNum": "",
    "TxnDate": "",
    "domain": "QBO",
    "sparse": False,
}


def _post(api: Api, path: str, body: dict[str, object]) -> dict[str, object]:
    raw = json.dumps(body, sort_keys=True, indent=4)
    response = api.client.post(
        f"/{path}",
        content=raw,
        params={"minorversion": "75"},
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    return api.ok(response)


def test_python_quickbooks_invoice_and_payment(us: Api) -> None:
    invoice = _post(us, "invoice", PQ_INVOICE)["Invoice"]
    assert isinstance(invoice, dict)
    assert invoice["TotalAmt"] == 12.5 and invoice["TxnDate"] and invoice["DueDate"] and invoice["DocNumber"]
    payment = {
        "CustomerRef": {"name": "", "type": "", "value": "1"},
        "SyncToken": 0,
        "TotalAmt": 5,
        "Line": [
            {"Amount": 5, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnLineId": 0, "TxnType": "Invoice"}]}
        ],
        "domain": "QBO",
        "sparse": False,
    }
    _post(us, "payment", payment)
    assert us.ok(us.get(f"invoice/{invoice['Id']}"))["Invoice"]["Balance"] == 7.5


def test_python_quickbooks_full_customer_update(us: Api) -> None:
    made = _post(
        us,
        "customer",
        {
            "DisplayName": "PQ Style",
            "Active": True,
            "Balance": 0,
            "Job": False,
            "PrintOnCheckName": "",
            "PreferredDeliveryMethod": "",
            "Title": "",
            "GivenName": "",
            "FamilyName": "",
            "SyncToken": 0,
            "sparse": False,
        },
    )["Customer"]
    assert isinstance(made, dict)
    assert made["PrintOnCheckName"] == "PQ Style" and made["PreferredDeliveryMethod"] == "Print"
    body = dict(made, Notes="hello", SyncToken=0, Level=0, OpenBalanceDate="", FullyQualifiedName="")
    updated = _post(us, "customer", body)["Customer"]
    assert isinstance(updated, dict)
    assert updated["SyncToken"] == "1" and updated["Notes"] == "hello"
    assert updated["FullyQualifiedName"] == "PQ Style"


def test_node_quickbooks_style_update_and_delete(us: Api) -> None:
    made = us.create("Customer", {"DisplayName": "Node Style"})
    response = us.client.post(
        "/customer",
        params={"operation": "update", "minorversion": "75"},
        json={"Id": made["Id"], "SyncToken": made["SyncToken"], "sparse": True, "Notes": "n"},
    )
    assert us.ok(response)["Customer"]["Notes"] == "n"
    query = us.client.get(
        "/query",
        params={"query": "select * from Customer where Id = '1'"},
        headers={"Content-Type": "application/json;charset=UTF-8"},
    )
    assert us.ok(query)["QueryResponse"]["Customer"][0]["Id"] == "1"
