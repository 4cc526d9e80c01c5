"""The other entity families: credit memos, accounts, vendors, terms, employees, tax, preferences."""

from __future__ import annotations

import httpx

from .conftest import Api


def test_credit_memo_reduces_customer_balance(us: Api) -> None:
    line = {
        "Amount": 40.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    us.create("Invoice", {"CustomerRef": {"value": "2"}, "Line": [dict(line, Amount=100.0)]})
    memo = us.create("CreditMemo", {"CustomerRef": {"value": "2"}, "Line": [line]})
    assert memo["TotalAmt"] == 40 and memo["RemainingCredit"] == 40 and memo["Balance"] == 40
    assert us.ok(us.get("customer/2"))["Customer"]["Balance"] == 60
    assert us.ok(us.post("creditmemo", {"Id": memo["Id"], "SyncToken": "0"}, params={"operation": "delete"}))


def test_account_create_rules(us: Api) -> None:
    assert us.fault(us.post("account", {"Name": "Nameless type"}))["code"] == "6010"
    made = us.create("Account", {"Name": "Tooling", "AccountType": "Expense"})
    assert made["Classification"] == "Expense" and made["AccountSubType"] and made["CurrentBalance"] == 0
    child = us.create(
        "Account", {"Name": "Drill bits", "AccountType": "Expense", "ParentRef": {"value": made["Id"]}}
    )
    assert child["FullyQualifiedName"] == "Tooling:Drill bits" and child["SubAccount"] is True
    assert us.fault(us.post("account", {"Name": "tooling", "AccountType": "Expense"}))["code"] == "6240"
    assert us.fault(us.post("account", {"Name": "Bad", "AccountType": "Spaceship"}))["code"] == "2170"


def test_vendor_create_update_and_term_refs(us: Api) -> None:
    vendor = us.create("Vendor", {"DisplayName": "Gears Galore", "TermRef": {"value": "2"}})
    assert vendor["Vendor1099"] is False and vendor["Balance"] == 0 and vendor["TermRef"] == {"value": "2"}
    assert (
        us.fault(us.post("vendor", {"DisplayName": "Bad Terms", "TermRef": {"value": "77"}}))["code"]
        == "2500"
    )
    bill = us.create(
        "Bill",
        {
            "VendorRef": {"value": vendor["Id"]},
            "TxnDate": "2026-03-01",
            "Line": [
                {
                    "Amount": 10.0,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "7"}},
                }
            ],
        },
    )
    assert bill["DueDate"] == "2026-03-16"
    assert us.ok(us.get(f"vendor/{vendor['Id']}"))["Vendor"]["Balance"] == 10


def test_reads_of_terms_employees_and_tax(us: Api) -> None:
    assert us.ok(us.get("term/3"))["Term"]["DueDays"] == 30
    employees = us.ok(us.query("select * from Employee where Active in (true, false)"))["QueryResponse"][
        "Employee"
    ]
    deleted = next(e for e in employees if e["Active"] is False)
    assert deleted["DisplayName"].endswith(" (deleted)") and not deleted["PrintOnCheckName"].endswith(
        "(deleted)"
    )
    assert us.ok(us.get("taxrate/3"))["TaxRate"]["RateValue"] == 8
    assert us.ok(us.get("taxagency/2"))["TaxAgency"]["DisplayName"] == "Board of Equalization"
    assert us.ok(us.get("taxcode/TAX"))["TaxCode"]["Name"] == "TAX"
    assert us.fault(us.post("taxcode", {"Name": "Nope"}))["code"] == "500"


def test_preferences_update_through_the_api(us: Api) -> None:
    prefs = us.ok(us.get("preferences"))["Preferences"]
    body = {
        "Id": "1",
        "SyncToken": prefs["SyncToken"],
        "sparse": True,
        "SalesFormsPrefs": {"CustomTxnNumbers": True},
    }
    updated = us.ok(us.post("preferences", body))["Preferences"]
    assert (
        updated["SalesFormsPrefs"]["CustomTxnNumbers"] is True and updated["SalesFormsPrefs"]["AllowDiscount"]
    )


def test_full_update_of_invoice_replaces_lines(us: Api) -> None:
    line = {
        "Amount": 10.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    invoice = us.create(
        "Invoice", {"CustomerRef": {"value": "1"}, "PrivateNote": "first", "Line": [line, line]}
    )
    full = us.ok(
        us.post(
            "invoice",
            {
                "Id": invoice["Id"],
                "SyncToken": "0",
                "CustomerRef": {"value": "1"},
                "Line": [dict(line, Amount=3.0)],
            },
        )
    )["Invoice"]
    assert full["TotalAmt"] == 3 and "PrivateNote" not in full and full["SyncToken"] == "1"


def test_token_lifetime_setting(us: Api) -> None:
    us.server.control("POST", "settings", {"access_token_ttl": 60})
    token = us.server.token()
    assert token["expires_in"] == 60
    us.server.control("POST", "clock", {"advance_seconds": 61})
    assert (
        httpx.get(f"{us.server.company_url()}/customer/1", headers=us.server.auth(token)).status_code == 401
    )
