"""Tax entities (read-only through their endpoints) and POST /taxservice/taxcode, which creates both."""

from __future__ import annotations

from typing import Any

from .. import wire
from ..faults import fault, required
from .base import Ctx, Handler, JsonObj, commit_create, new_base, register, resolve_ref


class ReadOnlyList(Handler):
    def default_order(self) -> tuple[str, Any]:
        return "Name", lambda r: str(r.get("Name") or r.get("DisplayName", "")).casefold()


class TaxCodeHandler(ReadOnlyList):
    name = "TaxCode"
    path = "taxcode"
    cdc = False


class TaxRateHandler(ReadOnlyList):
    name = "TaxRate"
    path = "taxrate"
    cdc = False


class TaxAgencyHandler(ReadOnlyList):
    name = "TaxAgency"
    path = "taxagency"
    cdc = False


register(TaxCodeHandler())
register(TaxRateHandler())
register(TaxAgencyHandler())


def create_tax_code(ctx: Ctx, body: JsonObj) -> JsonObj:
    """The TaxService answer is not wrapped in an entity key (python-quickbooks taxservice tests)."""
    name = body.get("TaxCode")
    if not isinstance(name, str) or not name.strip():
        raise required("TaxCode")
    details = body.get("TaxRateDetails")
    if not isinstance(details, list) or not details:
        raise required("TaxRateDetails")
    if any(str(r.get("Name", "")).casefold() == name.casefold() for r in ctx.realm.table("TaxCode").values()):
        raise fault("6240", "Duplicate Name Exists Error", "The name supplied already exists. : null", None)
    sales: list[str] = []
    purchase: list[str] = []
    out_details: list[JsonObj] = []
    for detail in details:
        if not isinstance(detail, dict):
            raise required("TaxRateDetails.TaxRateName")
        applicable = detail.get("TaxApplicableOn", "Sales")
        if applicable not in ("Sales", "Purchase", "Adjustment", "Other"):
            raise fault(
                "2170", "Invalid Enumeration", f"Invalid Enumeration : {applicable}", "TaxApplicableOn"
            )
        if detail.get("TaxRateId"):
            rate_id = str(detail["TaxRateId"])
            _t, rate = resolve_ref(ctx, "TaxRate", rate_id)
        else:
            rate_name = detail.get("TaxRateName")
            if not isinstance(rate_name, str) or not rate_name:
                raise required("TaxRateName")
            agency = str(detail.get("TaxAgencyId", ""))
            if ctx.realm.get("TaxAgency", agency) is None:
                raise fault(
                    "2500",
                    "Invalid Reference Id",
                    f"Invalid Reference Id : TaxAgency element id {agency} not found",
                )
            try:
                value = wire.number(float(detail.get("RateValue", 0)))
            except (TypeError, ValueError) as exc:
                raise required("RateValue") from exc
            rate = new_base(ctx, "TaxRate")
            rate.update(
                {
                    "Name": rate_name,
                    "Description": rate_name,
                    "Active": True,
                    "RateValue": value,
                    "AgencyRef": {"value": agency},
                    "SpecialTaxType": "NONE",
                    "DisplayType": "ReadOnly",
                }
            )
            commit_create(ctx, "TaxRate", rate)
            rate_id = rate["Id"]
        (purchase if applicable == "Purchase" else sales).append(rate_id)
        out_details.append(
            {
                "TaxRateName": rate["Name"],
                "TaxRateId": rate_id,
                "RateValue": rate["RateValue"],
                "TaxAgencyId": rate["AgencyRef"]["value"],
                "TaxApplicableOn": applicable,
            }
        )
    code = new_base(ctx, "TaxCode")

    def rate_list(ids: list[str]) -> JsonObj:
        return {
            "TaxRateDetail": [
                {
                    "TaxRateRef": {"value": i, "name": ctx.realm.table("TaxRate")[i]["Name"]},
                    "TaxTypeApplicable": "TaxOnAmount",
                    "TaxOrder": 0,
                }
                for i in ids
            ]
        }

    code.update(
        {
            "Name": name,
            "Description": name,
            "Active": True,
            "Hidden": False,
            "Taxable": True,
            "TaxGroup": True,
            "SalesTaxRateList": rate_list(sales),
            "PurchaseTaxRateList": rate_list(purchase),
        }
    )
    commit_create(ctx, "TaxCode", code)
    return {"TaxCode": name, "TaxCodeId": code["Id"], "TaxRateDetails": out_details}
