"""The viewer: lists, document pages at QBO's deep-link paths, and the accountant's actions."""

from __future__ import annotations

import re

import httpx

from qbo_emulator.testing import REALM_US

from .conftest import Api


def _browser(api: Api) -> httpx.Client:
    return httpx.Client(base_url=api.server.base_url, timeout=10)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def _invoice(api: Api, amount: float = 120.0) -> dict[str, object]:
    return api.create(
        "Invoice",
        {
            "CustomerRef": {"value": "1"},
            "Line": [
                {
                    "Amount": amount,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
                }
            ],
        },
    )


def test_lists_render(us: Api) -> None:
    with _browser(us) as browser:
        home = browser.get("/app/")
        assert home.status_code == 200 and "Sandbox Company UK" in home.text
        for path, needle in (
            ("customers", "Amy&#x27;s Bird Sanctuary"),
            ("vendors", "Books by Bessie"),
            ("items", "Rock Fountain"),
            ("chartofaccounts", "Inventory Asset"),
            ("invoices", "Invoices"),
            ("bills", "Bills"),
            ("journals", "Journal entries"),
        ):
            page = browser.get(f"/app/{path}", params={"realmId": REALM_US})
            assert page.status_code == 200 and needle in page.text, path
        assert "<script" not in home.text


def test_invoice_page_and_receive_payment(us: Api) -> None:
    invoice = _invoice(us)
    with _browser(us) as browser:
        page = browser.get("/app/invoice", params={"txnId": invoice["Id"], "realmId": REALM_US})
        assert page.status_code == 200 and "Receive payment" in page.text and "120.00" in page.text
        form = {
            "csrf": _csrf(page.text),
            "realmId": REALM_US,
            "txnId": invoice["Id"],
            "amount": "50.00",
            "txn_date": "2026-11-30",
        }
        done = browser.post("/app/invoice/receive-payment", data=form)
        assert done.status_code == 303
        after = us.ok(us.get(f"invoice/{invoice['Id']}"))["Invoice"]
        assert after["Balance"] == 70 and after["LinkedTxn"][0]["TxnType"] == "Payment"
        # Without the realm in the URL, the document is found by id.
        assert "Payment" in browser.get("/app/invoice", params={"txnId": invoice["Id"]}).text


def test_invoice_void_and_delete_from_viewer(us: Api) -> None:
    invoice = _invoice(us)
    with _browser(us) as browser:
        page = browser.get("/app/invoice", params={"txnId": invoice["Id"], "realmId": REALM_US})
        base = {"csrf": _csrf(page.text), "realmId": REALM_US, "txnId": invoice["Id"]}
        assert browser.post("/app/invoice/void", data=base).status_code == 303
        assert us.ok(us.get(f"invoice/{invoice['Id']}"))["Invoice"]["PrivateNote"] == "Voided"
        assert browser.post("/app/invoice/delete", data=base).status_code == 303
        assert us.fault(us.get(f"invoice/{invoice['Id']}"))["code"] == "610"


def test_pay_bill_from_viewer(us: Api) -> None:
    bill = us.create(
        "Bill",
        {
            "VendorRef": {"value": "29"},
            "Line": [
                {
                    "Amount": 42.0,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "7"}},
                }
            ],
        },
    )
    with _browser(us) as browser:
        page = browser.get("/app/bill", params={"txnId": bill["Id"], "realmId": REALM_US})
        assert "Pay bill" in page.text
        form = {
            "csrf": _csrf(page.text),
            "realmId": REALM_US,
            "txnId": bill["Id"],
            "amount": "42.00",
            "bank": "35",
        }
        assert browser.post("/app/bill/pay", data=form).status_code == 303
    paid = us.ok(us.get(f"bill/{bill['Id']}"))["Bill"]
    assert paid["Balance"] == 0 and paid["LinkedTxn"][0]["TxnType"] == "BillPaymentCheck"


def test_actions_need_csrf_and_report_rule_errors(us: Api) -> None:
    invoice = _invoice(us, 10.0)
    with _browser(us) as browser:
        forged = browser.post(
            "/app/invoice/void", data={"realmId": REALM_US, "txnId": invoice["Id"], "csrf": "x"}
        )
        assert forged.status_code == 403
        page = browser.get("/app/invoice", params={"txnId": invoice["Id"], "realmId": REALM_US})
        form = {"csrf": _csrf(page.text), "realmId": REALM_US, "txnId": invoice["Id"], "amount": "99.00"}
        refused = browser.post("/app/invoice/receive-payment", data=form, follow_redirects=True)
        assert "open balance" in refused.text


def test_merge_from_customer_page(us: Api) -> None:
    source = us.create("Customer", {"DisplayName": "Viewer Merge"})
    with _browser(us) as browser:
        page = browser.get("/app/customerdetail", params={"nameId": source["Id"], "realmId": REALM_US})
        assert "Merge into" in page.text
        form = {"csrf": _csrf(page.text), "realmId": REALM_US, "nameId": source["Id"], "target": "2"}
        assert browser.post("/app/customerdetail/merge", data=form).status_code == 303
    assert us.fault(us.get(f"customer/{source['Id']}"))["code"] == "610"


def test_viewer_sign_in_picks_the_users_company(us: Api) -> None:
    with _browser(us) as browser:
        bad = browser.post("/app/signin", data={"email": "solo@example.com", "password": "nope"})
        assert bad.status_code == 401
        browser.post("/app/signin", data={"email": "solo@example.com", "password": "sandbox"})
        page = browser.get("/app/company", follow_redirects=True)
        assert "Solo Sandbox US" in page.text
