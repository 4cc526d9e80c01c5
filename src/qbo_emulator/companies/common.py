"""Builders shared by the country seeds: name-list rows, accounts, terms, CompanyInfo and Preferences."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .. import wire
from ..store import Realm

SEED_TIME = datetime(2025, 6, 2, 9, 30, 0, tzinfo=ZoneInfo("UTC"))

CLASSIFICATION = {
    "Bank": "Asset",
    "Accounts Receivable": "Asset",
    "Other Current Asset": "Asset",
    "Fixed Asset": "Asset",
    "Other Asset": "Asset",
    "Accounts Payable": "Liability",
    "Credit Card": "Liability",
    "Other Current Liability": "Liability",
    "Long Term Liability": "Liability",
    "Equity": "Equity",
    "Income": "Revenue",
    "Other Income": "Revenue",
    "Cost of Goods Sold": "Expense",
    "Expense": "Expense",
    "Other Expense": "Expense",
    "Non-Posting": "Asset",
}

DEFAULT_SUBTYPE = {
    "Bank": "Checking",
    "Accounts Receivable": "AccountsReceivable",
    "Other Current Asset": "OtherCurrentAssets",
    "Fixed Asset": "MachineryAndEquipment",
    "Other Asset": "OtherLongTermAssets",
    "Accounts Payable": "AccountsPayable",
    "Credit Card": "CreditCard",
    "Other Current Liability": "OtherCurrentLiabilities",
    "Long Term Liability": "OtherLongTermLiabilities",
    "Equity": "OwnersEquity",
    "Income": "SalesOfProductIncome",
    "Other Income": "OtherMiscellaneousIncome",
    "Cost of Goods Sold": "SuppliesMaterialsCogs",
    "Expense": "OtherMiscellaneousServiceCost",
    "Other Expense": "OtherMiscellaneousExpense",
    "Non-Posting": "Estimate",
}

CURRENCY_NAMES = {
    "USD": "United States Dollar",
    "GBP": "British Pound Sterling",
    "CAD": "Canadian Dollar",
    "EUR": "Euro",
    "AUD": "Australian Dollar",
}


def meta(realm: Realm, when: datetime | None = None) -> dict[str, str]:
    stamp = wire.meta_time(when or SEED_TIME, realm.tz)
    return {"CreateTime": stamp, "LastUpdatedTime": stamp}


def base(realm: Realm, entity: str, obj_id: str | None = None) -> dict[str, Any]:
    oid = obj_id or realm.next_id(entity)
    return {"domain": "QBO", "sparse": False, "Id": oid, "SyncToken": "0", "MetaData": meta(realm)}


def set_counter(realm: Realm, seq: str, at_least: int) -> None:
    realm.counters[seq] = max(realm.counters.get(seq, 0), at_least)


def currency_ref(code: str) -> dict[str, str]:
    return {"value": code, "name": CURRENCY_NAMES.get(code, code)}


def account(
    realm: Realm, obj_id: str, name: str, acct_type: str, subtype: str, currency: str, **extra: Any
) -> dict[str, Any]:
    row = base(realm, "Account", obj_id)
    row.update(
        {
            "Name": name,
            "SubAccount": False,
            "FullyQualifiedName": name,
            "Active": True,
            "Classification": CLASSIFICATION[acct_type],
            "AccountType": acct_type,
            "AccountSubType": subtype,
            "CurrentBalance": Decimal("0.00"),
            "CurrentBalanceWithSubAccounts": Decimal("0.00"),
            "CurrencyRef": currency_ref(currency),
        }
    )
    row.update(extra)
    realm.put("Account", row)
    return row


def term(realm: Realm, obj_id: str, name: str, due_days: int) -> None:
    row = base(realm, "Term", obj_id)
    row.update(
        {
            "Name": name,
            "Active": True,
            "Type": "STANDARD",
            "DiscountPercent": 0,
            "DueDays": due_days,
            "DiscountDays": 0,
        }
    )
    realm.put("Term", row)


def address(
    addr_id: str,
    line1: str,
    city: str,
    region: str,
    postal: str,
    country: str | None = None,
    lat: str = "INVALID",
    long: str = "INVALID",
) -> dict[str, str]:
    out = {
        "Id": addr_id,
        "Line1": line1,
        "City": city,
        "CountrySubDivisionCode": region,
        "PostalCode": postal,
    }
    if country:
        out["Country"] = country
    out.update({"Lat": lat, "Long": long})
    return out


def person_fields(title: str, given: str, family: str, company: str | None, display: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if title:
        out["Title"] = title
    out["GivenName"] = given
    out["FamilyName"] = family
    if company:
        out["CompanyName"] = company
    out["DisplayName"] = display
    out["PrintOnCheckName"] = company or display
    return out


def contact_fields(phone: str, mobile: str | None, email: str, web: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"PrimaryPhone": {"FreeFormNumber": phone}}
    if mobile:
        out["Mobile"] = {"FreeFormNumber": mobile}
    out["PrimaryEmailAddr"] = {"Address": email}
    if web:
        out["WebAddr"] = {"URI": web}
    return out


def deactivate_name(row: dict[str, Any], key: str = "DisplayName") -> None:
    """Inactive rows carry QBO's " (deleted)" suffix on the display name and qualified name."""
    row["Active"] = False
    row[key] = f"{row[key]} (deleted)"
    if "FullyQualifiedName" in row:
        row["FullyQualifiedName"] = f"{row['FullyQualifiedName']} (deleted)"


def company_info(
    realm: Realm,
    legal: str,
    addr: dict[str, str],
    email: str,
    phone: str,
    web: str,
    country: str,
    languages: str = "en",
) -> None:
    row = base(realm, "CompanyInfo", "1")
    row.update(
        {
            "CompanyName": realm.name,
            "LegalName": legal,
            "CompanyAddr": addr,
            "CustomerCommunicationAddr": addr,
            "LegalAddr": addr,
            "CustomerCommunicationEmailAddr": {"Address": email},
            "PrimaryPhone": {"FreeFormNumber": phone},
            "CompanyStartDate": "2025-06-02",
            "FiscalYearStartMonth": "January" if country != "GB" else "April",
            "Country": country,
            "Email": {"Address": email},
            "WebAddr": {"URI": web},
            "SupportedLanguages": languages,
            "DefaultTimeZone": realm.tz_name,
            "NameValue": [
                {"Name": "NeoEnabled", "Value": "true"},
                {"Name": "IndustryType", "Value": "Manufacturing"},
                {"Name": "SubscriptionStatus", "Value": "PAID"},
                {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
                {"Name": "PayrollFeature", "Value": "false"},
                {"Name": "AccountantFeature", "Value": "false"},
                {"Name": "IsQbdtMigrated", "Value": "false"},
            ],
        }
    )
    realm.put("CompanyInfo", row)


def preferences(
    realm: Realm,
    currency: str,
    *,
    multi_currency: bool,
    custom_numbers: bool,
    tax_prefs: dict[str, Any],
    uncategorized: dict[str, str],
) -> None:
    row = base(realm, "Preferences", "1")
    row.update(
        {
            "AccountingInfoPrefs": {
                "TrackDepartments": False,
                "DepartmentTerminology": "Location",
                "ClassTrackingPerTxn": False,
                "ClassTrackingPerTxnLine": False,
                "CustomerTerminology": "Customers",
                "UseAccountNumbers": False,
            },
            "ProductAndServicesPrefs": {
                "ForSales": True,
                "ForPurchase": True,
                "QuantityWithPriceAndRate": True,
                "QuantityOnHand": True,
            },
            "SalesFormsPrefs": {
                "CustomField": [
                    {
                        "CustomField": [
                            {
                                "Name": "SalesFormsPrefs.UseSalesCustom1",
                                "Type": "BooleanType",
                                "BooleanValue": False,
                            }
                        ]
                    }
                ],
                "CustomTxnNumbers": custom_numbers,
                "AllowDeposit": True,
                "AllowDiscount": True,
                "DefaultDiscountAccount": "86",
                "AllowEstimates": True,
                "AllowShipping": False,
                "DefaultTerms": {"value": "3"},
                "EmailCopyToCompany": False,
                "UsingProgressInvoicing": False,
            },
            "VendorAndPurchasesPrefs": {
                "TrackingByCustomer": True,
                "BillableExpenseTracking": True,
                "DefaultTerms": {"value": "3"},
                "POCustomField": [],
            },
            "TaxPrefs": tax_prefs,
            "CurrencyPrefs": {"MultiCurrencyEnabled": multi_currency, "HomeCurrency": {"value": currency}},
            "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
            "OtherPrefs": {"NameValue": [{"Name": k, "Value": v} for k, v in uncategorized.items()]},
        }
    )
    realm.put("Preferences", row)


def customer_row(
    realm: Realm,
    currency: str,
    *,
    title: str,
    given: str,
    family: str,
    company: str | None,
    street: str,
    city: str,
    region: str,
    postal: str,
    phone: str,
    mobile: str | None,
    email: str,
    web: str | None,
    country: str | None,
    taxable: bool,
    tax_code: str | None,
    term_id: str | None,
    notes: str | None = None,
    display: str | None = None,
) -> dict[str, Any]:
    row = base(realm, "Customer")
    name = display or company or f"{given} {family}"
    addr = address(str(realm.bump_counter("addr", 1)), street, city, region, postal, country)
    row.update({"Taxable": taxable, "BillAddr": addr, "ShipAddr": dict(addr)})
    if notes:
        row["Notes"] = notes
    row.update(
        {
            "Job": False,
            "BillWithParent": False,
            "Balance": Decimal("0.00"),
            "BalanceWithJobs": Decimal("0.00"),
            "CurrencyRef": currency_ref(currency),
            "PreferredDeliveryMethod": "Print",
        }
    )
    if term_id:
        row["SalesTermRef"] = {"value": term_id}
    row.update(person_fields(title, given, family, company, name))
    row["FullyQualifiedName"] = name
    row["Active"] = True
    row.update(contact_fields(phone, mobile, email, web))
    if tax_code:
        row["DefaultTaxCodeRef"] = {"value": tax_code}
    return row


def vendor_row(
    realm: Realm,
    currency: str,
    *,
    given: str,
    family: str,
    company: str,
    street: str,
    city: str,
    region: str,
    postal: str,
    phone: str,
    email: str,
    web: str | None,
    country: str | None,
    acct_num: str | None,
    term_id: str | None,
    display: str | None = None,
    tax_id: str | None = None,
) -> dict[str, Any]:
    row = base(realm, "Vendor")
    addr = address(str(realm.bump_counter("addr", 1)), street, city, region, postal, country)
    row["BillAddr"] = addr
    if tax_id:
        row["TaxIdentifier"] = tax_id
    if term_id:
        row["TermRef"] = {"value": term_id}
    row["Balance"] = Decimal("0.00")
    if acct_num:
        row["AcctNum"] = acct_num
    row.update({"Vendor1099": False, "CurrencyRef": currency_ref(currency)})
    row.update(person_fields("", given, family, company, display or company))
    row["Active"] = True
    row.update(contact_fields(phone, None, email, web))
    return row


def item_row(
    realm: Realm,
    obj_id: str,
    name: str,
    item_type: str,
    price: float,
    cost: float,
    income: str,
    expense: str | None,
    asset: str | None = None,
    qty: int | None = None,
    sku: str | None = None,
    description: str | None = None,
    taxable: bool | None = None,
    sales_tax: str | None = None,
    purchase_tax: str | None = None,
) -> dict[str, Any]:
    row = base(realm, "Item", obj_id)
    row.update({"Name": name})
    if sku:
        row["Sku"] = sku
    if description:
        row["Description"] = description
    row.update({"Active": True, "FullyQualifiedName": name})
    if taxable is not None:
        row["Taxable"] = taxable
    row.update(
        {
            "UnitPrice": wire.number(price),
            "Type": item_type,
            "IncomeAccountRef": {"value": income, "name": realm.table("Account")[income]["Name"]},
            "PurchaseCost": wire.number(cost),
        }
    )
    if expense:
        row["ExpenseAccountRef"] = {"value": expense, "name": realm.table("Account")[expense]["Name"]}
    if asset:
        row["AssetAccountRef"] = {"value": asset, "name": realm.table("Account")[asset]["Name"]}
    row["TrackQtyOnHand"] = item_type == "Inventory"
    if item_type == "Inventory":
        row["QtyOnHand"] = qty or 0
        row["InvStartDate"] = "2025-06-01"
    if sales_tax:
        row["SalesTaxCodeRef"] = {"value": sales_tax, "name": realm.table("TaxCode")[sales_tax]["Name"]}
    if purchase_tax:
        row["PurchaseTaxCodeRef"] = {
            "value": purchase_tax,
            "name": realm.table("TaxCode")[purchase_tax]["Name"],
        }
    realm.put("Item", row)
    return row


def employee(realm: Realm, given: str, family: str, phone: str, email: str, active: bool = True) -> None:
    row = base(realm, "Employee")
    row.update(
        {
            "BillableTime": False,
            "GivenName": given,
            "FamilyName": family,
            "DisplayName": f"{given} {family}",
            "PrintOnCheckName": f"{given} {family}",
            "Active": True,
            "PrimaryPhone": {"FreeFormNumber": phone},
            "PrimaryEmailAddr": {"Address": email},
        }
    )
    if not active:
        deactivate_name(row)
    realm.put("Employee", row)


def tax_rate(
    realm: Realm,
    obj_id: str,
    name: str,
    rate: float,
    agency: str,
    special: str = "NONE",
    description: str | None = None,
) -> None:
    row = base(realm, "TaxRate", obj_id)
    row.update(
        {
            "Name": name,
            "Description": description or name,
            "Active": True,
            "RateValue": wire.number(rate),
            "AgencyRef": {"value": agency},
            "SpecialTaxType": special,
            "DisplayType": "ReadOnly",
            "EffectiveTaxRate": [
                {"RateValue": wire.number(rate), "EffectiveDate": "2025-01-01T00:00:00-08:00"}
            ],
        }
    )
    realm.put("TaxRate", row)


def rate_list(realm: Realm, rate_ids: list[str]) -> dict[str, Any]:
    return {
        "TaxRateDetail": [
            {
                "TaxRateRef": {"value": rid, "name": realm.table("TaxRate")[rid]["Name"]},
                "TaxTypeApplicable": "TaxOnAmount",
                "TaxOrder": 0,
            }
            for rid in rate_ids
        ]
    }


def tax_code(
    realm: Realm,
    obj_id: str,
    name: str,
    description: str,
    sales: list[str],
    purchase: list[str],
    taxable: bool = True,
    group: bool = True,
) -> None:
    row = base(realm, "TaxCode", obj_id)
    row.update(
        {
            "Name": name,
            "Description": description,
            "Active": True,
            "Hidden": False,
            "Taxable": taxable,
            "TaxGroup": group,
            "SalesTaxRateList": rate_list(realm, sales),
            "PurchaseTaxRateList": rate_list(realm, purchase),
        }
    )
    realm.put("TaxCode", row)


def tax_agency(
    realm: Realm,
    obj_id: str,
    name: str,
    sales: bool = True,
    purchases: bool = False,
    registration: str | None = None,
) -> None:
    row = base(realm, "TaxAgency", obj_id)
    row.update({"DisplayName": name, "TaxTrackedOnSales": sales, "TaxTrackedOnPurchases": purchases})
    if registration:
        row["TaxRegistrationNumber"] = registration
    realm.put("TaxAgency", row)
