"""A UK sandbox: VAT codes in QBO UK's naming ("20.0% S", "5.0% R", "0.0% Z", "Exempt", "No VAT"),
each with separate sales and purchase rates, HMRC as the agency, GBP home currency."""

from __future__ import annotations

from ..store import Realm
from . import common as c

CURRENCY = "GBP"

ACCOUNTS = [
    ("1", "Services", "Income", "ServiceFeeIncome"),
    ("4", "Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
    ("7", "Advertising", "Expense", "AdvertisingPromotional"),
    ("8", "Bank Charges", "Expense", "BankCharges"),
    ("11", "Insurance", "Expense", "Insurance"),
    ("15", "Legal and professional fees", "Expense", "LegalProfessionalFees"),
    ("17", "Office expenses", "Expense", "OfficeGeneralAdministrativeExpenses"),
    ("20", "Rent or lease payments", "Expense", "RentOrLeaseOfBuildings"),
    ("24", "Utilities", "Expense", "Utilities"),
    ("26", "Supplies", "Expense", "SuppliesMaterials"),
    ("33", "Creditors", "Accounts Payable", "AccountsPayable"),
    ("34", "Opening Balance Equity", "Equity", "OpeningBalanceEquity"),
    ("35", "Current", "Bank", "Checking"),
    ("36", "Savings", "Bank", "Savings"),
    ("41", "Business Credit Card", "Credit Card", "CreditCard"),
    ("79", "Sales of Product Income", "Income", "SalesOfProductIncome"),
    ("80", "Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    ("81", "Inventory Asset", "Other Current Asset", "Inventory"),
    ("84", "Debtors", "Accounts Receivable", "AccountsReceivable"),
    ("86", "Discounts given", "Income", "DiscountsRefundsGiven"),
    ("87", "Uncategorised Income", "Income", "ServiceFeeIncome"),
    ("88", "Uncategorised Expense", "Expense", "OtherMiscellaneousServiceCost"),
    ("89", "Uncategorised Asset", "Other Asset", "OtherLongTermAssets"),
    ("90", "VAT Control", "Other Current Liability", "GlobalTaxPayable"),
    ("91", "VAT Suspense", "Other Current Liability", "GlobalTaxSuspense"),
]

CUSTOMERS = [
    (
        "Mr",
        "Oliver",
        "Bennett",
        "Bennett & Sons Joinery",
        "14 Mill Lane",
        "Leeds",
        "West Yorkshire",
        "LS1 4AB",
    ),
    ("Ms", "Amelia", "Clarke", "Clarke Interiors", "3 Kings Road", "London", "Greater London", "SW3 4ND"),
    ("Mr", "Harry", "Patel", "Patel Hardware Ltd", "88 High Street", "Birmingham", "West Midlands", "B4 7SL"),
    (
        "Ms",
        "Isla",
        "Murray",
        "Murray Outdoor Supplies",
        "21 Rose Street",
        "Edinburgh",
        "City of Edinburgh",
        "EH2 2PR",
    ),
    ("Mr", "George", "Evans", "Evans Garden Centre", "5 Station Road", "Cardiff", "Cardiff", "CF10 1AA"),
    ("Ms", "Sophie", "Hughes", None, "40 Queen Street", "Bristol", "Bristol", "BS1 4LH"),
    (
        "Mr",
        "Jack",
        "Wilson",
        "Wilson Builders Merchants",
        "Unit 7, Dock Road",
        "Liverpool",
        "Merseyside",
        "L3 4BN",
    ),
    (
        "Ms",
        "Emily",
        "Taylor",
        "Taylor Made Kitchens",
        "12 Bridge Street",
        "Manchester",
        "Greater Manchester",
        "M3 3BT",
    ),
    ("Mr", "Thomas", "Wright", "Wright Engineering", "9 Forge Way", "Sheffield", "South Yorkshire", "S1 2HE"),
    ("Ms", "Grace", "Walker", "Walker Crafts", "77 Castle Street", "York", "North Yorkshire", "YO1 9RN"),
    ("Mr", "Charlie", "Robinson", "Robinson Furniture Co", "2 Abbey Road", "Bath", "Somerset", "BA1 1LY"),
    ("Ms", "Freya", "Thompson", None, "15 Market Place", "Norwich", "Norfolk", "NR2 1NE"),
    ("Mr", "Alfie", "White", "White Rose Cafe", "30 Briggate", "Leeds", "West Yorkshire", "LS1 6HD"),
    (
        "Ms",
        "Poppy",
        "Harris",
        "Harris Home Stores",
        "6 Church Street",
        "Cambridge",
        "Cambridgeshire",
        "CB2 3QZ",
    ),
    ("Mr", "Oscar", "Martin", "Martin Marine Ltd", "1 Harbour Walk", "Plymouth", "Devon", "PL1 2AA"),
    (
        "Ms",
        "Lily",
        "Jackson",
        "Jackson Textiles",
        "44 Cotton Row",
        "Nottingham",
        "Nottinghamshire",
        "NG1 1AA",
    ),
    ("Mr", "Henry", "Wood", "Woodland Toys", "19 Forest Road", "Exeter", "Devon", "EX1 2AB"),
    ("Ms", "Ava", "Turner", "Turner Design Studio", "8 Canal Street", "Glasgow", "Glasgow City", "G1 1AB"),
    ("Mr", "Leo", "Hill", "Hill Farm Produce", "Hill Farm", "Shrewsbury", "Shropshire", "SY1 1AA"),
    ("Ms", "Mia", "Green", "Green Leaf Florists", "27 Park Lane", "Oxford", "Oxfordshire", "OX1 3BD"),
    ("Mr", "Archie", "Cooper", "Cooper Cycles", "52 Wheel Street", "Coventry", "West Midlands", "CV1 1AA"),
    ("Ms", "Ella", "Ward", "Ward Opticians", "3 Vision Court", "Leicester", "Leicestershire", "LE1 5AA"),
    ("Mr", "Noah", "King", "King's Bakery", "11 Crown Street", "Brighton", "East Sussex", "BN1 1AA"),
    ("Ms", "Rosie", "Baker", "Baker Street Deli", "221 Baker Street", "London", "Greater London", "NW1 6XE"),
    (
        "Mr",
        "Harry",
        "Northwind",
        "Northwind Traders",
        "77 Harbour Road",
        "Southampton",
        "Hampshire",
        "SO14 2AA",
    ),
    ("Ms", "Evie", "Scott", "Scott Stationery", "4 Paper Mill Row", "Aberdeen", "Aberdeen City", "AB10 1AA"),
    (
        "Mr",
        "Arthur",
        "Price",
        "Price & Co Solicitors",
        "10 Temple Row",
        "Birmingham",
        "West Midlands",
        "B2 5HG",
    ),
]
INACTIVE_CUSTOMERS = {"Walker Crafts", "Freya Thompson"}

VENDORS = [
    (
        "Rachel",
        "Moore",
        "Moore Timber Supplies",
        "Yard 2, Saw Mill Lane",
        "Hull",
        "East Riding",
        "HU1 1AA",
        None,
    ),
    (
        "Daniel",
        "Hall",
        "Hall Steel Stockholders",
        "90 Iron Way",
        "Sheffield",
        "South Yorkshire",
        "S9 1AA",
        None,
    ),
    ("Laura", "Allen", "Allen Packaging Ltd", "12 Box Street", "Reading", "Berkshire", "RG1 1AA", None),
    (
        "Mark",
        "Young",
        "Young Logistics",
        "Unit 4, Depot Road",
        "Milton Keynes",
        "Buckinghamshire",
        "MK9 1AA",
        None,
    ),
    (
        "Sarah",
        "Lewis",
        "Lewis Office Supplies",
        "8 Stationers Row",
        "London",
        "Greater London",
        "EC1A 1AA",
        None,
    ),
    ("James", "Walsh", "British Gas Business", "Millstream", "Windsor", "Berkshire", "SL4 5GD", None),
    (
        "Claire",
        "Adams",
        "Adams Accountancy",
        "5 Ledger Lane",
        "Manchester",
        "Greater Manchester",
        "M2 2AA",
        None,
    ),
    (
        "Peter",
        "Cole",
        "Cole Fixings & Fasteners",
        "31 Bolt Street",
        "Wolverhampton",
        "West Midlands",
        "WV1 1AA",
        None,
    ),
    ("Helen", "Fox", "Fox Insurance Brokers", "2 Policy House", "Norwich", "Norfolk", "NR1 1AA", None),
    ("Gary", "Reid", "Reid Paints", "17 Colour Road", "Glasgow", "Glasgow City", "G2 1AA", None),
    (
        "Harry",
        "Northwind",
        "Northwind Traders",
        "77 Harbour Road",
        "Southampton",
        "Hampshire",
        "SO14 2AA",
        "Northwind Traders (Supplier)",
    ),
    ("Kelly", "Shaw", "Shaw Electrical Wholesale", "40 Circuit Road", "Derby", "Derbyshire", "DE1 1AA", None),
]
INACTIVE_VENDORS = {"Reid Paints"}


def build(realm: Realm) -> None:
    for oid, name, atype, sub in ACCOUNTS:
        c.account(realm, oid, name, atype, sub, CURRENCY)
    c.set_counter(realm, "Account", 92)
    for oid, name, days in (
        ("1", "Due on receipt", 0),
        ("2", "Net 15", 15),
        ("3", "Net 30", 30),
        ("4", "Net 60", 60),
    ):
        c.term(realm, oid, name, days)
    c.set_counter(realm, "Term", 4)
    c.tax_agency(realm, "1", "HM Revenue & Customs", sales=True, purchases=True, registration="GB123456789")
    c.set_counter(realm, "TaxAgency", 1)
    rates = [
        ("1", "20.0% ECG", 20, "NONE"),
        ("2", "20.0% ECS", 20, "NONE"),
        ("3", "SP-20.0", 20, "NONE"),
        ("4", "SS-20.0", 20, "NONE"),
        ("5", "PR-5.0", 5, "NONE"),
        ("6", "SR-5.0", 5, "NONE"),
        ("7", "PZ-0.0", 0, "ZERO_RATE"),
        ("8", "SZ-0.0", 0, "ZERO_RATE"),
        ("9", "PE-0.0", 0, "NONE"),
        ("10", "SE-0.0", 0, "NONE"),
        ("11", "NOVAT-P", 0, "NONE"),
        ("12", "NOVAT-S", 0, "NONE"),
    ]
    for oid, name, value, special in rates:
        c.tax_rate(realm, oid, name, value, "1", special)
    c.set_counter(realm, "TaxRate", 12)
    c.tax_code(realm, "2", "20.0% S", "Standard rated (20%)", ["4"], ["3"])
    c.tax_code(realm, "3", "5.0% R", "Reduced rate (5%)", ["6"], ["5"])
    c.tax_code(realm, "4", "0.0% Z", "Zero rated", ["8"], ["7"])
    c.tax_code(realm, "5", "Exempt", "Exempt", ["10"], ["9"])
    c.tax_code(realm, "6", "No VAT", "Outside the scope of VAT", ["12"], ["11"], taxable=False)
    c.tax_code(realm, "7", "20.0% ECG", "EC goods standard rate", [], ["1"])
    c.set_counter(realm, "TaxCode", 7)
    items = [
        ("1", "Services", "Service", 0, 0, "1", None, None, None, "2"),
        ("2", "Hours", "Service", 45, 0, "1", None, None, None, "2"),
        ("3", "Oak Bookshelf", "Inventory", 199, 85, "79", "80", "81", 12, "2"),
        ("4", "Steel Bracket", "Inventory", 3.5, 0.9, "79", "80", "81", 500, "2"),
        ("5", "Children's Booster Seat", "Inventory", 24, 11, "79", "80", "81", 40, "3"),
        ("6", "Printed Manual", "NonInventory", 6, 2, "79", "26", None, None, "4"),
        ("7", "Delivery", "Service", 15, 0, "1", None, None, None, "2"),
        ("8", "Assembly Labour", "Service", 55, 0, "1", None, None, None, "2"),
    ]
    for oid, name, itype, price, cost, income, expense, asset, qty, vat in items:
        sku = f"UK-{int(oid):04d}" if itype == "Inventory" else None
        c.item_row(
            realm,
            oid,
            name,
            itype,
            price,
            cost,
            income,
            expense,
            asset,
            qty,
            sku=sku,
            sales_tax=vat,
            purchase_tax=vat,
        )
    c.set_counter(realm, "Item", 8)
    c.company_info(
        realm,
        "Sandbox Company UK Ltd",
        c.address("1", "1 Sandbox Street", "London", "Greater London", "EC2A 4NE", "GB"),
        "noreply@quickbooks.example",
        "020 7946 0000",
        "https://sandbox-uk.example",
        "GB",
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
    for n, (title, given, family, company, street, city, county, postcode) in enumerate(CUSTOMERS):
        domain = (
            (company or f"{given}{family}").lower().replace(" ", "").replace("'", "").replace("&", "and")[:20]
        )
        row = c.customer_row(
            realm,
            CURRENCY,
            title=title,
            given=given,
            family=family,
            company=company,
            street=street,
            city=city,
            region=county,
            postal=postcode,
            phone=f"0161 496 {1000 + n * 37:04d}",
            mobile=f"07700 900{100 + n:03d}" if n % 3 == 0 else None,
            email=f"{given.lower()}@{domain}.example",
            web=f"https://{domain}.example" if company else None,
            country="GB",
            taxable=True,
            tax_code=None,
            term_id="3",
        )
        if row["DisplayName"] in INACTIVE_CUSTOMERS:
            c.deactivate_name(row)
        realm.put("Customer", row)
    for n, (given, family, company, street, city, county, postcode, display) in enumerate(VENDORS):
        domain = company.lower().replace(" ", "").replace("&", "and")[:20]
        row = c.vendor_row(
            realm,
            CURRENCY,
            given=given,
            family=family,
            company=company,
            street=street,
            city=city,
            region=county,
            postal=postcode,
            phone=f"020 7946 {2000 + n * 41:04d}",
            email=f"accounts@{domain}.example",
            web=f"https://{domain}.example",
            country="GB",
            acct_num=f"SUP{100 + n}",
            term_id="3",
            display=display,
        )
        if row["DisplayName"] in INACTIVE_VENDORS:
            c.deactivate_name(row)
        realm.put("Vendor", row)
    c.employee(realm, "Olivia", "Brown", "020 7946 0101", "olivia.brown@sandbox-uk.example")
    c.employee(realm, "William", "Jones", "020 7946 0102", "william.jones@sandbox-uk.example")
