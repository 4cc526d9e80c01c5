"""Wire formats: QBO's JSON number style, timestamps and ids.

QuickBooks writes money with two decimals (``"Amount":100.00``) but zero as ``0``, and rates and quantities
unpadded (``"Qty":4.5``). Money is kept as ``Decimal`` in the store; everything else is a plain int/float.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# Fields whose values are money amounts, rendered with two decimals.
MONEY_KEYS: frozenset[str] = frozenset(
    {
        "Amount",
        "TotalAmt",
        "Balance",
        "HomeBalance",
        "HomeTotalAmt",
        "TotalTax",
        "UnappliedAmt",
        "TaxAmount",
        "NetAmountTaxable",
        "BalanceWithJobs",
        "CurrentBalance",
        "CurrentBalanceWithSubAccounts",
        "TaxInclusiveAmt",
        "DiscountAmt",
        "RemainingCredit",
        "Deposit",
        "TaxInclusiveAmount",
        "CreditLimit",
        "OverDueBalance",
        "TotalRevenue",
        "TotalExpense",
        "OpeningBalance",
        "OpenBalance",
    }
)

CENT = Decimal("0.01")
# Far above any real amount, and small enough that quantizing to cents stays within Decimal's precision.
MONEY_LIMIT = Decimal("1e15")
# Money leaves the C encoder as a marked string ("\x00" digits "\x01") and one regex pass unquotes it:
# much cheaper than a Python-level encoder on 1000-row pages. A user string would have to be exactly
# NUL + digits + SOH to be mistaken for money.
_MARK = "\x00"
_MARKED = re.compile(r'"\\u0000(-?[0-9]+(?:\.[0-9]+)?)\\u0001"')


def money(value: Any) -> Decimal:
    """Coerce a JSON number or numeric string to a 2-decimal Decimal; raises ValueError when impossible."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a number: {value!r}")
    try:
        dec = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not dec.is_finite() or abs(dec) >= MONEY_LIMIT:
        raise ValueError(f"not a number: {value!r}")
    return dec.quantize(CENT, rounding=ROUND_HALF_UP)


def number(value: Any) -> int | float:
    """A rate or quantity as QBO prints it: integral values without a fraction."""
    if isinstance(value, bool):
        raise ValueError("boolean is not a number")
    num = float(value) if not isinstance(value, int) else value
    if isinstance(num, float):
        if num != num or num in (float("inf"), float("-inf")):
            raise ValueError("not finite")
        if num.is_integer() and abs(num) < 1e15:
            return int(num)
    return num


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return _MARK + ("0" if obj == 0 else f"{obj:.2f}") + "\x01"
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def dumps(obj: Any) -> bytes:
    """Serialise with QBO's number formats (compact separators, as Intuit sends)."""
    text = json.dumps(obj, default=_default, separators=(",", ":"), ensure_ascii=False)
    if "\\u0000" in text:
        text = _MARKED.sub(r"\1", text)
    return text.encode("utf-8")


def normalise_numbers(obj: Any) -> Any:
    """Turn parsed JSON into stored form: money keys as Decimal, integral floats elsewhere as int."""
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for key, val in obj.items():
            if key in MONEY_KEYS and isinstance(val, (int, float, Decimal)) and not isinstance(val, bool):
                try:
                    out[key] = money(val)
                except ValueError:
                    out[key] = val
            else:
                out[key] = normalise_numbers(val)
        return out
    if isinstance(obj, list):
        return [normalise_numbers(v) for v in obj]
    if isinstance(obj, float):
        try:
            return number(obj)
        except ValueError:
            return obj
    return obj


def meta_time(dt: datetime, tz: tzinfo) -> str:
    """MetaData timestamps: whole seconds and the company's offset, e.g. 2020-09-29T05:58:07-07:00."""
    return dt.astimezone(tz).replace(microsecond=0).isoformat()


def response_time(dt: datetime, tz: tzinfo) -> str:
    """The envelope's "time": milliseconds and the company's offset, e.g. 2020-09-29T05:58:07.870-07:00."""
    return dt.astimezone(tz).isoformat(timespec="milliseconds")


def intuit_tid(epoch: float) -> str:
    """The `intuit_tid` header format: 1-<8 hex of epoch seconds>-<24 hex>."""
    return f"1-{int(epoch):08x}-{secrets.token_hex(12)}"


def parse_datetime(text: str) -> datetime | None:
    """Parse QBO timestamps (`-07:00` or `-0700` offsets, or bare dates) as aware datetimes."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            return datetime.fromisoformat(raw + "T00:00:00+00:00")
        dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        from datetime import UTC

        dt = dt.replace(tzinfo=UTC)
    return dt
