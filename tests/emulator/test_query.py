"""The query language: clauses, operators, paging, escaping, errors, GET and POST forms."""

from __future__ import annotations

from .conftest import Api


def rows(api: Api, text: str, entity: str = "Customer") -> list[dict[str, object]]:
    result: list[dict[str, object]] = api.ok(api.query(text))["QueryResponse"].get(entity, [])
    return result


def test_count_and_paging_envelope(us: Api) -> None:
    total = us.ok(us.query("SELECT COUNT(*) FROM Vendor"))["QueryResponse"]["totalCount"]
    page = us.ok(us.query("SELECT * FROM Vendor MAXRESULTS 5 STARTPOSITION 6"))["QueryResponse"]
    assert page["startPosition"] == 6 and page["maxResults"] == len(page["Vendor"]) == 5
    last = us.ok(us.query(f"SELECT * FROM Vendor STARTPOSITION {total} MAXRESULTS 5"))["QueryResponse"]
    assert last["maxResults"] == 1
    assert us.ok(us.query(f"SELECT * FROM Vendor STARTPOSITION {total + 1}"))["QueryResponse"] == {}


def test_default_and_cap_of_max_results(us: Api) -> None:
    us.server.control("POST", "seed", {"realm_id": us.realm_id, "customers": 1200})
    assert len(rows(us, "select * from Customer")) == 100
    assert len(rows(us, "select * from Customer maxresults 1000")) == 1000
    assert len(rows(us, "select * from Customer maxresults 5000")) == 1000


def test_operators(us: Api) -> None:
    assert [r["Id"] for r in rows(us, "select * from Customer where Id = '3'")] == ["3"]
    ids = {r["Id"] for r in rows(us, "select * from Customer where Id IN ('1', '2', '5')")}
    assert ids == {"1", "2", "5"}
    assert all(
        str(r["DisplayName"]).startswith("Cool")
        for r in rows(us, "select * from Customer where DisplayName LIKE 'Cool%'")
    )
    assert rows(us, "select * from Customer where DisplayName like '%ird Sanct%'")
    assert all(int(str(r["Id"])) > 20 for r in rows(us, "select * from Customer where Id > '20'"))
    assert all(int(str(r["Id"])) <= 3 for r in rows(us, "select * from Customer where Id <= '3'"))
    assert rows(us, "select * from Customer where Taxable = true and Id < '5'")


def test_escaped_apostrophe_and_ampersand(us: Api) -> None:
    found = rows(us, "SELECT * FROM Customer WHERE DisplayName = 'Amy\\'s Bird Sanctuary'")
    assert [r["DisplayName"] for r in found] == ["Amy's Bird Sanctuary"]
    assert rows(us, "SELECT * FROM Vendor WHERE DisplayName = 'Robertson & Associates'", "Vendor")


def test_order_by_both_spellings(us: Api) -> None:
    one = [r["Id"] for r in rows(us, "select * from Customer ORDERBY Id DESC maxresults 5")]
    two = [r["Id"] for r in rows(us, "select * from Customer order by Id desc MAXRESULTS 5")]
    assert one == two and one == sorted(one, key=int, reverse=True)
    names = [str(r["DisplayName"]).casefold() for r in rows(us, "select * from Customer orderby DisplayName")]
    assert names == sorted(names)


def test_metadata_filters(us: Api) -> None:
    created = us.create("Customer", {"DisplayName": "Fresh Row"})
    stamp = created["MetaData"]["LastUpdatedTime"]
    found = rows(us, f"select * from Customer where MetaData.LastUpdatedTime >= '{stamp}'")
    assert [r["DisplayName"] for r in found] == ["Fresh Row"]
    assert rows(us, "select * from Customer where MetaData.CreateTime > '2020-01-01T00:00:00-0700'")


def test_post_query_with_text_bodies(us: Api) -> None:
    for ctype in ("application/text", "text/plain"):
        response = us.client.post("/query", content=b"select * from Term", headers={"Content-Type": ctype})
        assert len(us.ok(response)["QueryResponse"]["Term"]) == 4


def test_query_errors(us: Api) -> None:
    unknown = us.fault(us.query("SELECT * FROM Custmoer"))
    assert unknown["code"] == "4001" and "Custmoer" in unknown["Detail"]
    assert us.fault(us.query("SELECT * FRM Customer"))["code"] == "4000"
    assert us.fault(us.query("SELECT * FROM Customer WHERE Id = '1' OR Id = '2'"))["code"] == "4000"
    assert us.fault(us.query("SELECT * FROM Customer WHERE Nope = '1'"))["code"] == "4001"
    assert us.fault(us.query("SELECT * FROM Customer STARTPOSITION 0"))["code"] == "4002"
    assert us.fault(us.query(""))["code"] == "4000"


def test_transactions_and_other_entities_queryable(us: Api) -> None:
    us.create(
        "Invoice",
        {
            "Line": [
                {
                    "Amount": 5.0,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
                }
            ],
            "CustomerRef": {"value": "2"},
        },
    )
    assert rows(us, "select * from Invoice where CustomerRef = '2'", "Invoice")
    assert rows(us, "select * from Invoice where TotalAmt > '4.00'", "Invoice")
    assert rows(us, "select * from CompanyInfo", "CompanyInfo")
    assert rows(us, "select * from Item where Type = 'Inventory'", "Item")


def test_filters_on_contact_objects_and_sku(us: Api) -> None:
    found = rows(us, "select * from Customer where PrimaryEmailAddr = 'amy@amysbirdsanctuary.example'")
    assert [r["DisplayName"] for r in found] == ["Amy's Bird Sanctuary"]
    items = rows(us, "select * from Item where Sku = 'SKU-0011'", "Item")
    assert [i["Name"] for i in items] == ["Pump"]
    assert rows(us, "select * from Account where AccountSubType = 'Inventory'", "Account")


def test_real_but_unstored_entities_answer_empty(us: Api) -> None:
    assert us.ok(us.query("select * from SalesReceipt"))["QueryResponse"] == {}
    assert us.ok(us.query("select count(*) from Estimate"))["QueryResponse"] == {"totalCount": 0}
    cdc = us.ok(
        us.get(
            "cdc",
            params={"entities": "estimate,Customer", "changedSince": us.ok(us.get("customer/1"))["time"]},
        )
    )
    assert cdc["CDCResponse"][0]["QueryResponse"][0] == {}
