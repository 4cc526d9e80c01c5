"""A Canadian sandbox (Ontario): GST/HST codes in QBO Canada's style, CRA as the agency, CAD home currency.
Created on demand through the control plane (`{"country": "CA"}`); the default seed stays US + UK."""

from __future__ import annotations

from ..store import Realm
from . import common as c
from . import gb

CURRENCY = "CAD"

CUSTOMERS = [
    ("Mr", "Liam", "Tremblay", "Tremblay Millwork", "12 King St W", "Toronto", "ON", "M5H 1A1"),
    ("Ms", "Olivia", "Roy", "Roy Outfitters", "88 Rue Sainte-Catherine", "Montreal", "QC", "H2X 1K4"),
    ("Mr", "Noah", "Gagnon", "Gagnon Hardware", "400 Bank St", "Ottawa", "ON", "K2P 1Y6"),
    ("Ms", "Emma", "Wilson", "Wilson Kitchens", "1200 W Georgia St", "Vancouver", "BC", "V6E 4R2"),
    ("Mr", "Lucas", "MacDonald", "MacDonald Marine", "5 Water St", "Halifax", "NS", "B3J 1A1"),
    ("Ms", "Charlotte", "Lee", "Lee Design Co", "77 Portage Ave", "Winnipeg", "MB", "R3C 0A1"),
    ("Mr", "Harry", "Northwind", "Northwind Traders", "9 Harbour St", "Toronto", "ON", "M5J 2L2"),
]
VENDORS = [
    ("Ava", "Smith", "Maple Timber Supply", "3 Mill Rd", "Hamilton", "ON", "L8P 1A1", None),
    ("Ethan", "Brown", "Northern Steel Ltd", "200 Forge Ave", "Sudbury", "ON", "P3E 1A1", None),
    (
        "Harry",
        "Northwind",
        "Northwind Traders",
        "9 Harbour St",
        "Toronto",
        "ON",
        "M5J 2L2",
        "Northwind Traders (Supplier)",
    ),
]


def build(realm: Realm) -> None:
    for oid, name, atype, sub in gb.ACCOUNTS:
        renamed = {
            "Debtors": "Accounts Receivable (A/R)",
            "Creditors": "Accounts Payable (A/P)",
            "VAT Control": "GST/HST Payable",
            "VAT Suspense": "GST/HST Suspense",
            "Current": "Chequing",
        }
        c.account(realm, oid, renamed.get(name, name), atype, sub, CURRENCY)
    c.set_counter(realm, "Account", 92)
    for oid, name, days in (
        ("1", "Due on receipt", 0),
        ("2", "Net 15", 15),
        ("3", "Net 30", 30),
        ("4", "Net 60", 60),
    ):
        c.term(realm, oid, name, days)
    c.set_counter(realm, "Term", 4)
    c.tax_agency(
        realm, "1", "Canada Revenue Agency", sales=True, purchases=True, registration="123456789RT0001"
    )
    c.set_counter(realm, "TaxAgency", 1)
    for oid, name, value, special in (
        ("1", "GST", 5, "NONE"),
        ("2", "HST ON", 13, "NONE"),
        ("3", "PST BC", 7, "NONE"),
        ("4", "Zero-rated", 0, "ZERO_RATE"),
        ("5", "Exempt", 0, "NONE"),
        ("6", "Out of Scope", 0, "NONE"),
    ):
        c.tax_rate(realm, oid, name, value, "1", special)
    c.set_counter(realm, "TaxRate", 6)
    c.tax_code(realm, "2", "GST", "GST 5%", ["1"], ["1"])
    c.tax_code(realm, "3", "HST ON", "HST Ontario 13%", ["2"], ["2"])
    c.tax_code(realm, "4", "GST/PST BC", "GST 5% + PST BC 7%", ["1", "3"], ["1"])
    c.tax_code(realm, "5", "Zero-rated", "Zero-rated", ["4"], ["4"])
    c.tax_code(realm, "6", "Exempt", "Exempt", ["5"], ["5"])
    c.tax_code(realm, "7", "Out of Scope", "Out of scope of GST/HST", ["6"], ["6"], taxable=False)
    c.set_counter(realm, "TaxCode", 7)
    c.item_row(realm, "1", "Services", "Service", 0, 0, "1", None, sales_tax="3", purchase_tax="3")
    c.item_row(
        realm,
        "2",
        "Maple Bench",
        "Inventory",
        299,
        120,
        "79",
        "80",
        "81",
        8,
        sku="CA-0002",
        sales_tax="3",
        purchase_tax="3",
    )
    c.set_counter(realm, "Item", 2)
    c.company_info(
        realm,
        "Sandbox Company CA Inc.",
        c.address("1", "100 Queen St W", "Toronto", "ON", "M5H 2N2", "CA"),
        "noreply@quickbooks.example",
        "416-555-0100",
        "https://sandbox-ca.example",
        "CA",
    )
    c.preferences(
        realm,
        CURRENCY,
        multi_currency=False,
        custom_numbers=False,
        uncategorized={
            "UncategorizedIncomeAccountId": "87",
            "UncategorizedExpenseAccountId": "88",
            "UncategorizedAssetAccountId": "89",
        },
        tax_prefs={"UsingSalesTax": True, "PartnerTaxEnabled": False},
    )
    for n, (title, given, family, company, street, city, prov, postal) in enumerate(CUSTOMERS):
        row = c.customer_row(
            realm,
            CURRENCY,
            title=title,
            given=given,
            family=family,
            company=company,
            street=street,
            city=city,
            region=prov,
            postal=postal,
            phone=f"416-555-{1000 + n:04d}",
            mobile=None,
            email=f"{given.lower()}@{family.lower()}.example",
            web=None,
            country="CA",
            taxable=True,
            tax_code=None,
            term_id="3",
        )
        realm.put("Customer", row)
    for n, (given, family, company, street, city, prov, postal, display) in enumerate(VENDORS):
        row = c.vendor_row(
            realm,
            CURRENCY,
            given=given,
            family=family,
            company=company,
            street=street,
            city=city,
            region=prov,
            postal=postal,
            phone=f"905-555-{2000 + n:04d}",
            email=f"ap@{family.lower()}.example",
            web=None,
            country="CA",
            acct_num=None,
            term_id="3",
            display=display,
        )
        realm.put("Vendor", row)
