"""The QuickBooks tax codes Tanto's tax rates are mapped to, with the rates each code applies.

Pushes state their tax per QuickBooks tax rate (see mapping.py), so they need each mapped code's rate
ids and percents. These change rarely; they are read once per connection and kept for a while in the
process, so a push with everything linked costs exactly one request.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from typing import Any

from tanto.integrations.quickbooks.client import QuickBooksClient
from tanto.integrations.quickbooks.mapping import TaxCode
from tanto.integrations.quickbooks.models import QuickBooksConnection, TaxMapping

CACHE_SECONDS = 600
_cache: dict[int, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()

Codes = dict[int | None, TaxCode]


def _rate_list(
    code: dict[str, Any], key: str, rates: dict[str, Decimal]
) -> tuple[tuple[str, ...], tuple[Decimal, ...]]:
    details = (code.get(key) or {}).get("TaxRateDetail") or []
    ids = tuple(str(d["TaxRateRef"]["value"]) for d in details if isinstance(d, dict) and d.get("TaxRateRef"))
    return ids, tuple(rates.get(rate_id, Decimal(0)) for rate_id in ids)


def _company_codes(conn: QuickBooksConnection, client: QuickBooksClient) -> dict[str, Any]:
    with _lock:
        hit = _cache.get(conn.pk)
        if hit and hit[0] > time.monotonic():
            return hit[1]
    rates = {str(r["Id"]): Decimal(str(r.get("RateValue", 0))) for r in client.all("TaxRate")}
    codes = {str(c["Id"]): c for c in client.all("TaxCode")}
    value = {"rates": rates, "codes": codes}
    with _lock:
        _cache[conn.pk] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def forget(conn: QuickBooksConnection) -> None:
    with _lock:
        _cache.pop(conn.pk, None)


def mapped_codes(conn: QuickBooksConnection, client: QuickBooksClient) -> tuple[Codes, Codes]:
    """(sales, purchase): Tanto tax rate id -> the mapped QuickBooks code and the rates it applies."""
    mappings = list(TaxMapping.objects.filter(connection=conn))
    if not mappings:
        return {}, {}
    company = _company_codes(conn, client)
    sales: Codes = {}
    purchase: Codes = {}
    for m in mappings:
        code = company["codes"].get(m.tax_code_id, {})
        sales[m.tax_rate_id] = TaxCode(m.tax_code_id, *_rate_list(code, "SalesTaxRateList", company["rates"]))
        purchase[m.tax_rate_id] = TaxCode(
            m.tax_code_id, *_rate_list(code, "PurchaseTaxRateList", company["rates"])
        )
    return sales, purchase
