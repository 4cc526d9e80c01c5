"""Entity rules over real HTTP: what QBO validates, what it computes, and its fault codes."""

from __future__ import annotations

from decimal import Decimal

from .conftest import Api


def invoice_body(customer: str = "1", amount: float = 100.0, **extra: object) -> dict[str, object]:
    line = {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    return {"Line": [line], "CustomerRef": {"value": customer}, **extra}


def test_read_customer_envelope(us: Api) -> None:
    data = us.ok(us.get("customer/1", params={"minorversion": "75"}))
    customer = data["Customer"]
    assert customer["domain"] == "QBO" and customer["sparse"] is False and customer["Id"] == "1"
    assert set(customer["MetaData"]) == {"CreateTime", "LastUpdatedTime"}
    assert data["time"][-6] in "+-" and "." in data["time"]


def test_create_customer_defaults_and_duplicate_name_across_vendor(us: Api) -> None:
    created = us.create("Customer", {"DisplayName": "Brand New Customer"})
    assert created["Taxable"] is True and created["Job"] is False and created["Balance"] == 0
    assert created["FullyQualifiedName"] == created["PrintOnCheckName"] == "Brand New Customer"
    assert created["CurrencyRef"] == {"value": "USD", "name": "United States Dollar"}
    vendor_name = us.ok(us.get("vendor/29"))["Vendor"]["DisplayName"]
    error = us.fault(us.post("customer", {"DisplayName": vendor_name}))
    assert error["code"] == "6240" and error["Message"] == "Duplicate Name Exists Error"
    assert us.fault(us.post("employee", {"DisplayName": "brand new customer"}))["code"] == "6240"


def test_display_name_generated_from_parts_and_6080(us: Api) -> None:
    created = us.create("Customer", {"GivenName": "Ada", "FamilyName": "Lovelace"})
    assert created["DisplayName"] == "Ada Lovelace"
    assert us.fault(us.post("customer", {"Notes": "nameless"}))["code"] == "6080"


def test_unknown_property_and_malformed_json(us: Api) -> None:
    error = us.fault(us.post("invoice", {"BadJson": True}))
    assert error["code"] == "2010" and 'Unrecognized field "BadJson"' in error["Detail"]
    bad = us.client.post(
        "/customer", content=b'{"DisplayName": ', headers={"Content-Type": "application/json"}
    )
    assert us.fault(bad)["code"] == "2010"
    assert us.fault(us.client.post("/customer", content=b"[1,2]"))["code"] == "2010"


def test_sparse_update_full_update_and_stale_synctoken(us: Api) -> None:
    created = us.create("Customer", {"DisplayName": "Sparse Co", "Notes": "keep me", "CompanyName": "Sparse"})
    sparse = us.ok(
        us.post("customer", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Notes": "changed"})
    )
    assert sparse["Customer"]["SyncToken"] == "1" and sparse["Customer"]["CompanyName"] == "Sparse"
    full = us.ok(us.post("customer", {"Id": created["Id"], "SyncToken": "1", "DisplayName": "Sparse Co"}))[
        "Customer"
    ]
    assert "Notes" not in full and "CompanyName" not in full and full["SyncToken"] == "2"
    stale = us.fault(
        us.post("customer", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Notes": "x"})
    )
    assert stale["code"] == "5010" and stale["Message"] == "Stale Object Error"


def test_no_op_sparse_update_keeps_synctoken(us: Api) -> None:
    before = us.ok(us.get("account/35"))["Account"]
    after = us.ok(
        us.post(
            "account", {"Id": "35", "SyncToken": before["SyncToken"], "sparse": True, "Name": before["Name"]}
        )
    )["Account"]
    assert after["SyncToken"] == before["SyncToken"]
    assert after["MetaData"]["LastUpdatedTime"] == before["MetaData"]["LastUpdatedTime"]


def test_deactivate_renames_and_hides_from_default_queries(us: Api) -> None:
    created = us.create("Customer", {"DisplayName": "Going Away"})
    gone = us.ok(
        us.post("customer", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    )
    assert gone["Customer"]["DisplayName"] == "Going Away (deleted)" and gone["Customer"]["Active"] is False
    assert us.ok(us.query("select * from Customer where DisplayName LIKE 'Going%'"))["QueryResponse"] == {}
    found = us.ok(
        us.query("select * from Customer where DisplayName LIKE 'Going%' and Active IN (true, false)")
    )
    assert len(found["QueryResponse"]["Customer"]) == 1
    back = us.ok(us.post("customer", {"Id": created["Id"], "SyncToken": "1", "sparse": True, "Active": True}))
    assert back["Customer"]["DisplayName"] == "Going Away"
    account = us.ok(us.post("account", {"Id": "7", "SyncToken": "0", "sparse": True, "Active": False}))[
        "Account"
    ]
    assert account["Name"] == "Advertising (deleted)"


def test_invoice_computed_fields(us: Api) -> None:
    invoice = us.create("Invoice", invoice_body())
    assert invoice["DocNumber"] and invoice["TotalAmt"] == 100 and invoice["Balance"] == 100
    assert invoice["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "NON"}
    assert invoice["Line"][-1]["DetailType"] == "SubTotalLineDetail" and invoice["Line"][-1]["Amount"] == 100
    assert invoice["BillAddr"]["Line1"] == "4581 Finch St." and invoice["ShipAddr"]
    assert invoice["DueDate"] > invoice["TxnDate"] and invoice["TxnTaxDetail"] == {"TotalTax": 0}
    raw = us.get(f"invoice/{invoice['Id']}").text
    assert '"Amount":100.00' in raw and '"TotalAmt":100.00' in raw and '"TotalTax":0' in raw
    second = us.create("Invoice", invoice_body())
    assert int(second["DocNumber"]) == int(invoice["DocNumber"]) + 1


def test_due_date_from_terms(us: Api) -> None:
    invoice = us.create("Invoice", invoice_body(TxnDate="2026-01-10", SalesTermRef={"value": "2"}))
    assert invoice["DueDate"] == "2026-01-25"


def test_qty_times_price_rule_6070(us: Api) -> None:
    line = {
        "Amount": 99.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "4"}, "Qty": 4.5, "UnitPrice": 75},
    }
    assert us.fault(us.post("invoice", {"Line": [line], "CustomerRef": {"value": "1"}}))["code"] == "6070"
    line["Amount"] = 337.5
    created = us.create("Invoice", {"Line": [line], "CustomerRef": {"value": "1"}})
    assert created["TotalAmt"] == 337.5
    raw = us.get(f"invoice/{created['Id']}").text
    assert '"UnitPrice":75' in raw and '"Qty":4.5' in raw and '"Amount":337.50' in raw


def test_required_fields_2020_and_invalid_refs(us: Api) -> None:
    assert us.fault(us.post("invoice", {"CustomerRef": {"value": "1"}}))["code"] == "2020"
    assert us.fault(us.post("invoice", {"Line": invoice_body()["Line"]}))["code"] == "2020"
    missing = us.fault(us.post("invoice", invoice_body(customer="99999")))
    assert missing["code"] == "2500" and "Names element id 99999" in missing["Detail"]
    inactive = next(
        c for c in us.ok(us.query("select * from Customer where Active = false"))["QueryResponse"]["Customer"]
    )
    assert us.fault(us.post("invoice", invoice_body(customer=inactive["Id"])))["code"] == "610"
    assert us.fault(us.get("invoice/987654"))["code"] == "610"


def test_us_line_tax_code_must_be_tax_or_non(us: Api) -> None:
    body = invoice_body()
    body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": "2"}  # type: ignore[index]
    assert us.fault(us.post("invoice", body))["code"] == "6100"


def test_us_tax_from_txn_tax_code_and_override(us: Api) -> None:
    body = invoice_body(amount=291.0, TxnTaxDetail={"TxnTaxCodeRef": {"value": "2"}})
    body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": "TAX"}  # type: ignore[index]
    invoice = us.create("Invoice", body)
    assert invoice["TxnTaxDetail"]["TotalTax"] == 23.28 and invoice["TotalAmt"] == 314.28
    assert invoice["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["TaxPercent"] == 8
    body["TxnTaxDetail"] = {"TxnTaxCodeRef": {"value": "3"}, "TotalTax": 20.0}
    override = us.create("Invoice", body)
    assert override["TxnTaxDetail"]["TotalTax"] == 20 and override["TotalAmt"] == 311
    assert sum(Decimal(str(t["Amount"])) for t in override["TxnTaxDetail"]["TaxLine"]) == 20


def test_uk_lines_need_vat_code_6000(uk: Api) -> None:
    error = uk.fault(uk.post("invoice", invoice_body()))
    assert error["code"] == "6000" and "VAT rate" in error["Detail"]


def test_uk_tax_excluded_and_inclusive(uk: Api) -> None:
    body = invoice_body(amount=100.0)
    body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": "2"}  # type: ignore[index]
    excluded = uk.create("Invoice", body)
    assert excluded["GlobalTaxCalculation"] == "TaxExcluded"
    assert excluded["TxnTaxDetail"]["TotalTax"] == 20 and excluded["TotalAmt"] == 120
    assert excluded["TxnTaxDetail"]["TaxLine"][0]["TaxLineDetail"]["NetAmountTaxable"] == 100
    body["GlobalTaxCalculation"] = "TaxInclusive"
    body["Line"][0]["Amount"] = 120.0  # type: ignore[index]
    inclusive = uk.create("Invoice", body)
    assert inclusive["TotalAmt"] == 120 and inclusive["TxnTaxDetail"]["TotalTax"] == 20
    assert inclusive["Line"][0]["Amount"] == 100
    assert uk.fault(uk.post("invoice", dict(body, GlobalTaxCalculation="Sometimes")))["code"] == "2170"


def test_custom_txn_numbers_duplicate_6140(us: Api) -> None:
    us.server.control("POST", "settings", {"realm_id": us.realm_id, "custom_txn_numbers": True})
    us.create("Invoice", invoice_body(DocNumber="INV-7"))
    error = us.fault(us.post("invoice", invoice_body(DocNumber="INV-7")))
    assert error["code"] == "6140"
    assert "DocNumber" not in us.create("Invoice", invoice_body())


def test_multicurrency_refused_when_off_and_applied_when_on(us: Api) -> None:
    body = invoice_body(CurrencyRef={"value": "GBP"})
    assert us.fault(us.post("invoice", body))["code"] == "6000"
    us.server.control("POST", "settings", {"realm_id": us.realm_id, "multi_currency": True})
    invoice = us.create("Invoice", body)
    assert invoice["CurrencyRef"]["value"] == "GBP" and invoice["ExchangeRate"] > 0


def test_unbalanced_journal_2300_and_balanced(us: Api) -> None:
    def line(kind: str, amount: float, account: str) -> dict[str, object]:
        return {
            "Amount": amount,
            "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": {"PostingType": kind, "AccountRef": {"value": account}},
        }

    assert (
        us.fault(us.post("journalentry", {"Line": [line("Debit", 10, "80"), line("Credit", 9, "81")]}))[
            "code"
        ]
        == "2300"
    )
    entry = us.create("JournalEntry", {"Line": [line("Debit", 10, "80"), line("Credit", 10, "81")]})
    assert entry["TotalAmt"] == 10 and entry["Line"][0]["JournalEntryLineDetail"]["AccountRef"]["name"]
    assert (
        us.fault(us.post("journalentry", {"Line": [line("Debit", 10, "84"), line("Credit", 10, "81")]}))[
            "code"
        ]
        == "6000"
    )


def test_bill_payment_and_invoice_payment_reduce_balance(us: Api) -> None:
    invoice = us.create("Invoice", invoice_body(amount=250.0))
    payment = us.create(
        "Payment",
        {
            "CustomerRef": {"value": "1"},
            "TotalAmt": 100.0,
            "Line": [{"Amount": 100.0, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}],
        },
    )
    after = us.ok(us.get(f"invoice/{invoice['Id']}"))["Invoice"]
    assert after["Balance"] == 150 and {"TxnId": payment["Id"], "TxnType": "Payment"} in after["LinkedTxn"]
    assert us.ok(us.get("customer/1"))["Customer"]["Balance"] == 150
    voided = us.ok(
        us.post(
            "payment",
            {"Id": payment["Id"], "SyncToken": payment["SyncToken"], "sparse": True},
            params={"operation": "update", "include": "void"},
        )
    )["Payment"]
    assert voided["TotalAmt"] == 0
    assert us.ok(us.get(f"invoice/{invoice['Id']}"))["Invoice"]["Balance"] == 250
    bill = us.create(
        "Bill",
        {
            "VendorRef": {"value": "29"},
            "Line": [
                {
                    "Amount": 80.0,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "7"}},
                }
            ],
        },
    )
    assert bill["Balance"] == 80 and bill["APAccountRef"]["value"] == "33"
    bp = us.create(
        "BillPayment",
        {
            "VendorRef": {"value": "29"},
            "PayType": "Check",
            "TotalAmt": 80.0,
            "CheckPayment": {"BankAccountRef": {"value": "35"}},
            "Line": [{"Amount": 80.0, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}],
        },
    )
    paid = us.ok(us.get(f"bill/{bill['Id']}"))["Bill"]
    assert paid["Balance"] == 0 and paid["LinkedTxn"] == [{"TxnId": bp["Id"], "TxnType": "BillPaymentCheck"}]


def test_overpayment_is_refused(us: Api) -> None:
    invoice = us.create("Invoice", invoice_body(amount=10.0))
    body = {
        "CustomerRef": {"value": "1"},
        "TotalAmt": 50.0,
        "Line": [{"Amount": 50.0, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}],
    }
    assert us.fault(us.post("payment", body))["code"] == "6000"


def test_void_and_delete_invoice(us: Api) -> None:
    invoice = us.create("Invoice", invoice_body())
    voided = us.ok(us.post("invoice", {"Id": invoice["Id"], "SyncToken": "0"}, params={"operation": "void"}))[
        "Invoice"
    ]
    assert voided["SyncToken"] == "1" and voided["PrivateNote"] == "Voided" and voided["TotalAmt"] == 0
    assert all(line["Amount"] == 0 for line in voided["Line"])
    deleted = us.ok(
        us.post("invoice", {"Id": invoice["Id"], "SyncToken": "1"}, params={"operation": "delete"})
    )
    assert deleted["Invoice"] == {"domain": "QBO", "status": "Deleted", "Id": invoice["Id"]}
    assert (
        us.fault(us.post("invoice", {"Id": invoice["Id"], "SyncToken": "2"}, params={"operation": "delete"}))[
            "code"
        ]
        == "610"
    )


def test_item_rules(us: Api) -> None:
    assert us.fault(us.post("item", {"Name": "Widget", "Type": "Service"}))["code"] == "2020"
    assert (
        us.fault(
            us.post(
                "item",
                {
                    "Name": "Widget",
                    "Type": "Inventory",
                    "IncomeAccountRef": {"value": "79"},
                    "ExpenseAccountRef": {"value": "80"},
                    "AssetAccountRef": {"value": "81"},
                    "TrackQtyOnHand": True,
                    "InvStartDate": "2026-01-01",
                },
            )
        )["code"]
        == "2020"
    )
    item = us.create(
        "Item",
        {
            "Name": "Widget",
            "Type": "Inventory",
            "IncomeAccountRef": {"value": "79"},
            "ExpenseAccountRef": {"value": "80"},
            "AssetAccountRef": {"value": "81"},
            "TrackQtyOnHand": True,
            "QtyOnHand": 10,
            "InvStartDate": "2026-01-01",
        },
    )
    assert item["IncomeAccountRef"]["name"] == "Sales of Product Income"
    assert (
        us.fault(us.post("item", {"Name": "widget", "Type": "Service", "IncomeAccountRef": {"value": "1"}}))[
            "code"
        ]
        == "6240"
    )


def test_tax_entities_and_taxservice(uk: Api) -> None:
    codes = uk.ok(uk.query("select * from TaxCode"))["QueryResponse"]["TaxCode"]
    names = {c["Name"] for c in codes}
    assert {"20.0% S", "5.0% R", "0.0% Z", "Exempt", "No VAT"} <= names
    standard = next(c for c in codes if c["Name"] == "20.0% S")
    assert standard["SalesTaxRateList"]["TaxRateDetail"] and standard["PurchaseTaxRateList"]["TaxRateDetail"]
    made = uk.ok(
        uk.post(
            "taxservice/taxcode",
            {
                "TaxCode": "Eco levy",
                "TaxRateDetails": [
                    {"TaxRateName": "Eco 3", "RateValue": "3", "TaxAgencyId": "1", "TaxApplicableOn": "Sales"}
                ],
            },
        )
    )
    assert made["TaxCode"] == "Eco levy" and made["TaxRateDetails"][0]["TaxRateId"]
    assert uk.ok(uk.get(f"taxcode/{made['TaxCodeId']}"))["TaxCode"]["Name"] == "Eco levy"


def test_requestid_replays_without_repeating(us: Api) -> None:
    first = us.post("customer", {"DisplayName": "Idempotent Inc"}, params={"requestid": "req-1"})
    second = us.post("customer", {"DisplayName": "Idempotent Inc"}, params={"requestid": "req-1"})
    assert first.status_code == second.status_code == 200 and first.content == second.content
    count = us.ok(us.query("select count(*) from Customer where DisplayName = 'Idempotent Inc'"))
    assert count["QueryResponse"]["totalCount"] == 1
    assert us.server.control("GET", "stats")[us.realm_id]["requestid_replays"] == 1


def test_paths_are_lenient_like_qbo(us: Api) -> None:
    assert us.get("Customer/1").status_code == 200
    assert us.get("customer/1/").status_code == 200
    assert us.fault(us.get("customer/1/5"))["code"] == "500"
    assert us.get("invoice/1/pdf").status_code in (200, 400)


def test_company_info_and_preferences(us: Api) -> None:
    info = us.ok(us.get(f"companyinfo/{us.realm_id}"))["CompanyInfo"]
    assert info["Country"] == "US" and info["CompanyName"] == "Sandbox Company US"
    prefs = us.ok(us.get("preferences"))["Preferences"]
    assert prefs["CurrencyPrefs"]["MultiCurrencyEnabled"] is False
    assert prefs["CurrencyPrefs"]["HomeCurrency"] == {"value": "USD"}
    assert prefs["SalesFormsPrefs"]["CustomTxnNumbers"] is False


def test_seed_data_shape(us: Api, uk: Api) -> None:
    for api in (us, uk):
        count = api.ok(api.query("select count(*) from Customer where Active in (true, false)"))
        assert count["QueryResponse"]["totalCount"] >= 25
        vendors = api.ok(api.query("select * from Vendor where Active in (true, false)"))["QueryResponse"][
            "Vendor"
        ]
        assert len(vendors) >= 10 and any(v["Active"] is False for v in vendors)
        customers = api.ok(api.query("select * from Customer maxresults 1000"))["QueryResponse"]["Customer"]
        assert all(
            c.get("BillAddr") and c.get("PrimaryEmailAddr") and c.get("PrimaryPhone") for c in customers
        )
        vendor_companies = {v.get("CompanyName") for v in vendors}
        assert any(c["DisplayName"] in vendor_companies for c in customers)
    names = {
        a["Name"]
        for a in us.ok(us.query("select * from Account maxresults 1000"))["QueryResponse"]["Account"]
    }
    assert {
        "Sales of Product Income",
        "Inventory Asset",
        "Cost of Goods Sold",
        "Accounts Receivable (A/R)",
        "Accounts Payable (A/P)",
    } <= names


def test_inventory_quantity_follows_documents(us: Api) -> None:
    before = us.ok(us.get("item/11"))["Item"]["QtyOnHand"]
    line = {
        "Amount": 30.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "11"}, "Qty": 2, "UnitPrice": 15},
    }
    invoice = us.create("Invoice", {"Line": [line], "CustomerRef": {"value": "1"}})
    assert us.ok(us.get("item/11"))["Item"]["QtyOnHand"] == before - 2
    us.ok(us.post("invoice", {"Id": invoice["Id"], "SyncToken": "0"}, params={"operation": "void"}))
    assert us.ok(us.get("item/11"))["Item"]["QtyOnHand"] == before
    bill_line = {
        "Amount": 50.0,
        "DetailType": "ItemBasedExpenseLineDetail",
        "ItemBasedExpenseLineDetail": {"ItemRef": {"value": "11"}, "Qty": 5, "UnitPrice": 10},
    }
    us.create("Bill", {"VendorRef": {"value": "29"}, "Line": [bill_line]})
    assert us.ok(us.get("item/11"))["Item"]["QtyOnHand"] == before + 5


def test_canadian_company_on_demand(us: Api) -> None:
    made = us.server.client.post("/_emulator/companies", json={"name": "Maple Co", "country": "CA"}).json()
    ca = Api(us.server, made["realm_id"])
    body = {
        "CustomerRef": {"value": "1"},
        "Line": [
            {
                "Amount": 100.0,
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
            }
        ],
    }
    assert "GST/HST" in ca.fault(ca.post("invoice", body))["Detail"]
    body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": "3"}  # type: ignore[index]
    invoice = ca.create("Invoice", body)
    assert invoice["TotalAmt"] == 113 and invoice["CurrencyRef"]["value"] == "CAD"
    assert ca.ok(ca.get(f"companyinfo/{made['realm_id']}"))["CompanyInfo"]["Country"] == "CA"


def test_line_ids_survive_updates_and_gateway_headers(us: Api) -> None:
    invoice = us.create("Invoice", invoice_body(amount=10.0))
    lines = [ln for ln in invoice["Line"] if ln["DetailType"] == "SalesItemLineDetail"]
    extra = {
        "Amount": 5.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    response = us.post(
        "invoice", {"Id": invoice["Id"], "SyncToken": "0", "sparse": True, "Line": [extra, *lines]}
    )
    updated = us.ok(response)["Invoice"]
    items = [ln for ln in updated["Line"] if ln["DetailType"] == "SalesItemLineDetail"]
    assert [ln["LineNum"] for ln in items] == [1, 2]
    assert items[1]["Id"] == lines[0]["Id"] and items[0]["Id"] != lines[0]["Id"]
    assert updated["TotalAmt"] == 15 and updated["DocNumber"] == invoice["DocNumber"]
    for header in ("intuit_tid", "qbo-version", "x-spanid", "x-amzn-trace-id"):
        assert header in response.headers
    assert response.headers["content-type"] == "application/json;charset=utf-8"


def test_customer_with_open_balance_cannot_be_deactivated(us: Api) -> None:
    us.create("Invoice", invoice_body(customer="3", amount=20.0))
    customer = us.ok(us.get("customer/3"))["Customer"]
    body = {"Id": "3", "SyncToken": customer["SyncToken"], "sparse": True, "Active": False}
    assert us.fault(us.post("customer", body))["code"] == "6220"


def test_requestid_limits_and_replayed_faults(us: Api) -> None:
    assert (
        us.fault(us.post("customer", {"DisplayName": "Long Id"}, params={"requestid": "x" * 51}))["code"]
        == "2130"
    )
    first = us.post("customer", {"DisplayName": "Amy's Bird Sanctuary"}, params={"requestid": "dup-fault"})
    again = us.post("customer", {"DisplayName": "Amy's Bird Sanctuary"}, params={"requestid": "dup-fault"})
    assert first.status_code == again.status_code == 400 and first.content == again.content


def test_xml_unless_json_is_accepted(us: Api) -> None:
    headers = {"Authorization": us.client.headers["Authorization"], "Accept": "*/*"}
    response = us.client.get("/customer/1", headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    assert '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"' in response.text
    assert '<Customer domain="QBO" sparse="false">' in response.text and "<Id>1</Id>" in response.text
    fault = us.client.get("/customer/abc", headers=headers)
    assert fault.status_code == 400 and '<Error code="2030" element="Id">' in fault.text
    query = us.client.get("/query", params={"query": "select * from Term"}, headers=headers)
    assert '<QueryResponse startPosition="1" maxResults="4">' in query.text
    assert us.get("customer/1").headers["content-type"] == "application/json;charset=utf-8"


def test_resending_plain_name_of_inactive_record_changes_nothing(us: Api) -> None:
    gone = us.ok(us.post("account", {"Id": "8", "SyncToken": "0", "sparse": True, "Active": False}))[
        "Account"
    ]
    assert gone["Name"] == "Bank Charges (deleted)" and gone["SyncToken"] == "1"
    again = us.ok(
        us.post(
            "account", {"Id": "8", "SyncToken": "1", "sparse": True, "Active": False, "Name": "Bank Charges"}
        )
    )["Account"]
    assert again["Name"] == "Bank Charges (deleted)" and again["SyncToken"] == "1"


def test_percent_discount_line(us: Api) -> None:
    body = invoice_body(amount=200.0)
    body["Line"].append(
        {
            "DetailType": "DiscountLineDetail",  # type: ignore[attr-defined]
            "DiscountLineDetail": {
                "PercentBased": True,
                "DiscountPercent": 10,
                "DiscountAccountRef": {"value": "86"},
            },
        }
    )
    invoice = us.create("Invoice", body)
    assert [ln["DetailType"] for ln in invoice["Line"]] == [
        "SalesItemLineDetail",
        "SubTotalLineDetail",
        "DiscountLineDetail",
    ]
    assert invoice["Line"][2]["Amount"] == 20 and invoice["TotalAmt"] == 180 and invoice["Balance"] == 180
