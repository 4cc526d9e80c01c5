"""A US sandbox in the image of Intuit's "Craig's Design and Landscaping Services" sandbox.

Account ids follow the real sandbox (A/R 84, A/P 33, Inventory Asset 81, Sales of Product Income 79,
Cost of Goods Sold 80, Undeposited Funds 4), and sales tax is manual (no AST in sandboxes).
"""

from __future__ import annotations

from ..store import Realm
from . import common as c

CURRENCY = "USD"

ACCOUNTS = [
    ("1", "Services", "Income", "ServiceFeeIncome"),
    ("4", "Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
    ("7", "Advertising", "Expense", "AdvertisingPromotional"),
    ("8", "Bank Charges", "Expense", "BankCharges"),
    ("11", "Insurance", "Expense", "Insurance"),
    ("15", "Legal & Professional Fees", "Expense", "LegalProfessionalFees"),
    ("17", "Office Expenses", "Expense", "OfficeGeneralAdministrativeExpenses"),
    ("20", "Rent or Lease", "Expense", "RentOrLeaseOfBuildings"),
    ("22", "Repair & Maintenance", "Expense", "RepairMaintenance"),
    ("24", "Utilities", "Expense", "Utilities"),
    ("26", "Supplies", "Expense", "SuppliesMaterials"),
    ("28", "Freight & Delivery", "Expense", "ShippingFreightDelivery"),
    ("33", "Accounts Payable (A/P)", "Accounts Payable", "AccountsPayable"),
    ("34", "Opening Balance Equity", "Equity", "OpeningBalanceEquity"),
    ("35", "Checking", "Bank", "Checking"),
    ("36", "Savings", "Bank", "Savings"),
    ("41", "Mastercard", "Credit Card", "CreditCard"),
    ("45", "Retained Earnings", "Equity", "RetainedEarnings"),
    ("48", "Sales", "Income", "SalesOfProductIncome"),
    ("60", "Purchases", "Expense", "SuppliesMaterials"),
    ("79", "Sales of Product Income", "Income", "SalesOfProductIncome"),
    ("80", "Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    ("81", "Inventory Asset", "Other Current Asset", "Inventory"),
    ("84", "Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
    ("86", "Discounts given", "Income", "DiscountsRefundsGiven"),
    ("87", "Uncategorized Income", "Income", "ServiceFeeIncome"),
    ("88", "Uncategorized Expense", "Expense", "OtherMiscellaneousServiceCost"),
    ("89", "Uncategorized Asset", "Other Asset", "OtherLongTermAssets"),
    ("90", "Board of Equalization Payable", "Other Current Liability", "GlobalTaxPayable"),
]

# (title, given, family, company, street, city, state, zip, phone, email-domain, taxable, term)
CUSTOMERS = [
    (
        "Ms.",
        "Amy",
        "Lauterbach",
        "Amy's Bird Sanctuary",
        "4581 Finch St.",
        "Bayshore",
        "CA",
        "94326",
        True,
        "3",
    ),
    (
        "Mr.",
        "Bill",
        "Lucchini",
        "Bill's Windsurf Shop",
        "12 Ocean Dr.",
        "Half Moon Bay",
        "CA",
        "94213",
        False,
        "3",
    ),
    ("Ms.", "Grace", "Pariente", "Cool Cars", "65 Ocean Dr.", "Half Moon Bay", "CA", "94213", False, "2"),
    ("Mr.", "Diego", "Rodriguez", None, "321 Channing", "Palo Alto", "CA", "94303", False, "3"),
    ("Mr.", "Peter", "Dukes", "Dukes Basketball Camp", "25 Court St.", "Tucson", "AZ", "85719", True, "3"),
    ("Mr.", "Dylan", "Sollfrank", None, "1 Market St.", "San Francisco", "CA", "94105", False, "1"),
    (
        "Mr.",
        "Kirby",
        "Freeman",
        "Freeman Sporting Goods",
        "370 Easy St.",
        "Middlefield",
        "CA",
        "94482",
        False,
        "3",
    ),
    ("Ms.", "Geeta", "Kalapatapu", None, "1987 Main St.", "Middlefield", "CA", "94303", False, "3"),
    (
        "Ms.",
        "Lisa",
        "Gevelber",
        "Gevelber Photography",
        "1045 Main St.",
        "Half Moon Bay",
        "CA",
        "94213",
        False,
        "2",
    ),
    ("Mr.", "Jeff", "Chin", "Jeff's Jalopies", "12 Willow Rd.", "Menlo Park", "CA", "94305", False, "3"),
    ("Mr.", "John", "Melton", None, "85 Pine St.", "Menlo Park", "CA", "94304", False, "3"),
    ("Ms.", "Kate", "Whelan", None, "45 First St.", "Menlo Park", "CA", "94304", True, "3"),
    ("Mr.", "Mark", "Cho", None, "36 Willow Rd", "Menlo Park", "CA", "94304", True, "3"),
    (
        "Ms.",
        "Kathy",
        "Paulsen",
        "Paulsen Medical Supplies",
        "900 Main St.",
        "Middlefield",
        "CA",
        "94303",
        False,
        "4",
    ),
    ("Mr.", "Rago", "Pye", "Pye's Cakes", "350 Mountain View Dr.", "South Orange", "NJ", "07079", False, "3"),
    (
        "Ms.",
        "Stephanie",
        "Martini",
        "Red Rock Diner",
        "500 Red Rock Rd.",
        "Bayshore",
        "CA",
        "94326",
        True,
        "2",
    ),
    (
        "Mr.",
        "Rondonuwu",
        "Fruit",
        "Rondonuwu Fruit and Vegi",
        "847 California Ave.",
        "San Jose",
        "CA",
        "95021",
        True,
        "3",
    ),
    ("Mr.", "Shara", "Barnett", "Shara Barnett", "19 Main St.", "Middlefield", "CA", "94303", False, "3"),
    (
        "Mr.",
        "Bob",
        "Sonnenschein",
        "Sonnenschein Family Store",
        "Box 3",
        "Middlefield",
        "CA",
        "94303",
        True,
        "3",
    ),
    ("Mr.", "Sushi", "Yamamoto", "Sushi by Katsuyuki", "898 Elm St.", "Maplewood", "NJ", "07040", True, "3"),
    ("Mr.", "Nick", "Travis", "Travis Waldron", "78 First St.", "Monlo Park", "CA", "94304", True, "3"),
    ("Ms.", "Wendy", "Video", "Video Games by Dan", "1614 Main St.", "Middlefield", "CA", "94303", True, "3"),
    ("Mr.", "Kevin", "Visser", "Visser's Hardware", "5 Union St.", "Tucson", "AZ", "85719", True, "3"),
    (
        "Ms.",
        "Tiffany",
        "Mendel",
        "Weiskopf Consulting",
        "45612 Main St.",
        "Bayshore",
        "CA",
        "94326",
        True,
        "3",
    ),
    ("Mr.", "Harry", "Northwind", "Northwind Traders", "77 Harbor Way", "Oakland", "CA", "94607", True, "3"),
    ("Ms.", "Ada", "Forge", "Acme Machine Works", "400 Foundry Rd.", "Fremont", "CA", "94538", True, "2"),
    ("Mr.", "Sam", "Keller", "Keller Custom Cabinets", "18 Oak Ave.", "Sacramento", "CA", "95814", True, "3"),
    ("Ms.", "Nora", "Baines", "Baines Bicycle Co.", "2200 Spoke Ln.", "Davis", "CA", "95616", True, "4"),
]
INACTIVE_CUSTOMERS = {"John Melton", "Wendy"}

# (given, family, company, street, city, state, zip, acct, term, display)
VENDORS = [
    ("Bessie", "Williams", "Books by Bessie", "15 Main St.", "Palo Alto", "CA", "94303", "1345", "3", None),
    (
        "Brosnahan",
        "Insurance",
        "Brosnahan Insurance Agency",
        "P.O. Box 5",
        "Middlefield",
        "CA",
        "94482",
        "7653412",
        "3",
        None,
    ),
    ("Cal", "Telephone", "Cal Telephone", "10 Main St.", "Palo Alto", "CA", "94303", None, "2", None),
    (
        "Jenni",
        "Winslow",
        "Computers by Jenni",
        "1515 Main St.",
        "Middlefield",
        "CA",
        "94482",
        None,
        "3",
        None,
    ),
    ("Melanie", "Hall", "Hall Properties", "P.O.Box 357", "South Orange", "NJ", "07079", "55642", "3", None),
    (
        "Lee",
        "Advertising",
        "Lee Advertising",
        "776 Middlefield Rd.",
        "Middlefield",
        "CA",
        "94303",
        "776543",
        "3",
        None,
    ),
    (
        "Norton",
        "Lumber",
        "Norton Lumber and Building Materials",
        "4528 Lumber Ln.",
        "Middlefield",
        "CA",
        "94303",
        None,
        "3",
        None,
    ),
    (
        "Jenny",
        "Robertson",
        "Robertson & Associates",
        "P.O. Box 147",
        "Bayshore",
        "CA",
        "94326",
        "000005641",
        "3",
        None,
    ),
    ("Pam", "Seitz", "Pam Seitz", "73 Lakeside Dr.", "San Mateo", "CA", "94401", None, "3", None),
    (
        "Steel",
        "Supply",
        "Pacific Steel Supply",
        "9000 Mill Rd.",
        "Richmond",
        "CA",
        "94801",
        "PSS-221",
        "4",
        None,
    ),
    (
        "Harry",
        "Northwind",
        "Northwind Traders",
        "77 Harbor Way",
        "Oakland",
        "CA",
        "94607",
        "NW-1001",
        "3",
        "Northwind Traders (Supplier)",
    ),
    ("Tony", "Rondonuwu", "Tony Rondonuwu", "1 Vendor Plaza", "San Jose", "CA", "95110", None, "1", None),
]
INACTIVE_VENDORS = {"Pam Seitz"}


def build(realm: Realm) -> None:
    for oid, name, atype, sub in ACCOUNTS:
        c.account(realm, oid, name, atype, sub, CURRENCY)
    c.set_counter(realm, "Account", 91)
    for oid, name, days in (
        ("1", "Due on receipt", 0),
        ("2", "Net 15", 15),
        ("3", "Net 30", 30),
        ("4", "Net 60", 60),
    ):
        c.term(realm, oid, name, days)
    c.set_counter(realm, "Term", 4)
    c.tax_agency(realm, "1", "Arizona Dept. of Revenue")
    c.tax_agency(realm, "2", "Board of Equalization")
    c.set_counter(realm, "TaxAgency", 2)
    c.tax_rate(realm, "1", "AZ State tax", 7.1, "1")
    c.tax_rate(realm, "2", "Tucson City", 2, "1")
    c.tax_rate(realm, "3", "California", 8, "2")
    c.set_counter(realm, "TaxRate", 3)
    c.tax_code(realm, "TAX", "TAX", "TAX", [], [], taxable=True, group=False)
    c.tax_code(realm, "NON", "NON", "Non", [], [], taxable=False, group=False)
    c.tax_code(realm, "2", "California", "California", ["3"], [])
    c.tax_code(realm, "3", "Tucson", "Tucson", ["1", "2"], [])
    c.set_counter(realm, "TaxCode", 3)
    items = [
        ("1", "Services", "Service", 0, 0, "1", None, None, None),
        ("2", "Hours", "Service", 0, 0, "1", None, None, None),
        ("3", "Concrete", "Service", 0, 0, "1", None, None, None),
        ("4", "Design", "Service", 75, 0, "1", None, None, None),
        ("5", "Rock Fountain", "Inventory", 275, 125, "79", "80", "81", 2),
        ("6", "Gardening", "Service", 0, 0, "1", None, None, None),
        ("7", "Installation", "Service", 50, 0, "1", None, None, None),
        ("8", "Lighting", "Service", 0, 0, "1", None, None, None),
        ("10", "Pest Control", "Service", 35, 0, "1", None, None, None),
        ("11", "Pump", "Inventory", 15, 10, "79", "80", "81", 25),
        ("13", "Rocks", "NonInventory", 0, 0, "1", "26", None, None),
        ("16", "Sprinkler Heads", "Inventory", 2, 0.75, "79", "80", "81", 25),
        ("17", "Sprinkler Pipes", "Inventory", 4, 2.5, "79", "80", "81", 31),
        ("19", "Oak Bookshelf", "Inventory", 249, 110, "79", "80", "81", 12),
        ("20", "Steel Bracket", "Inventory", 4.5, 1.2, "79", "80", "81", 400),
        ("21", "Assembly Labor", "Service", 65, 0, "1", None, None, None),
    ]
    for oid, name, itype, price, cost, income, expense, asset, qty in items:
        sku = f"SKU-{int(oid):04d}" if itype == "Inventory" else None
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
            taxable=itype != "Service",
        )
    c.set_counter(realm, "Item", 21)
    c.company_info(
        realm,
        "Sandbox Company US LLC",
        c.address("1", "123 Sierra Way", "San Pablo", "CA", "87999"),
        "noreply@quickbooks.example",
        "(650) 555-0100",
        "https://sandbox-us.example",
        "US",
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
        tax_prefs={"UsingSalesTax": True, "PartnerTaxEnabled": False, "TaxGroupCodeRef": {"value": "2"}},
    )
    _names(realm)


def _names(realm: Realm) -> None:
    for n, (title, given, family, company, street, city, state, zipcode, taxable, term_id) in enumerate(
        CUSTOMERS
    ):
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
            region=state,
            postal=zipcode,
            phone=f"(650) 555-{1000 + n * 37:04d}",
            mobile=f"(650) 556-{2000 + n * 11:04d}" if n % 3 == 0 else None,
            email=f"{given.lower()}@{domain}.example",
            web=f"https://{domain}.example" if company else None,
            country="USA",
            taxable=taxable,
            tax_code="2" if taxable else None,
            term_id=term_id,
        )
        if row["DisplayName"] in INACTIVE_CUSTOMERS or given in INACTIVE_CUSTOMERS:
            c.deactivate_name(row)
        realm.put("Customer", row)
    for n, (given, family, company, street, city, state, zipcode, acct, term_id, display) in enumerate(
        VENDORS
    ):
        domain = company.lower().replace(" ", "").replace("&", "and")[:20]
        row = c.vendor_row(
            realm,
            CURRENCY,
            given=given,
            family=family,
            company=company,
            street=street,
            city=city,
            region=state,
            postal=zipcode,
            phone=f"(415) 555-{3000 + n * 41:04d}",
            email=f"billing@{domain}.example",
            web=f"https://{domain}.example",
            country="USA",
            acct_num=acct,
            term_id=term_id,
            display=display,
            tax_id=f"XXXXXX{4000 + n}" if acct else None,
        )
        if row["DisplayName"] in INACTIVE_VENDORS:
            c.deactivate_name(row)
        realm.put("Vendor", row)
    c.employee(realm, "Emily", "Platt", "(650) 555-0199", "emily.platt@sandbox-us.example", active=False)
    c.employee(realm, "John", "Johnson", "(540) 555-9645", "john.johnson@sandbox-us.example")
