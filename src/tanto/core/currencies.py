"""ISO 4217 currency codes in circulation: the currencies a workspace, contact or order may use."""

ISO_4217_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN
    BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
    GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
    KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD
    NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES
    VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
    """.split()  # noqa: SIM905 (a word list is easier to check against the standard)
)

# Shown first in pickers; the rest follow alphabetically.
COMMON_CURRENCIES = ("USD", "GBP", "EUR", "CAD", "AUD", "NZD")


def currency_choices() -> list[tuple[str, str]]:
    rest = sorted(ISO_4217_CODES.difference(COMMON_CURRENCIES))
    return [(code, code) for code in (*COMMON_CURRENCIES, *rest)]


def validate_currency(code: str) -> None:
    from django.core.exceptions import ValidationError

    if code not in ISO_4217_CODES:
        raise ValidationError(f"{code!r} is not a known currency code (ISO 4217, e.g. USD, GBP, EUR).")
