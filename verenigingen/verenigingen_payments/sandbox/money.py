"""Amounts as Mollie writes them. The emulator keeps money as integer minor units (cents)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ..core.models.money import currency_decimals


def fmt(minor: int, currency: str = "EUR") -> str:
    """Minor units as Mollie's string: 1234 EUR -> "12.34", -5 EUR -> "-0.05", 1000 JPY -> "1000"."""
    places = currency_decimals(currency)
    if places == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"


def amount(minor: int, currency: str = "EUR") -> dict:
    return {"value": fmt(minor, currency), "currency": currency}


def parse_amount(value: object, currency: str) -> int | None:
    """Mollie's request rule: a string with exactly the currency's decimals; None when it is not one."""
    if not isinstance(value, str):
        return None
    places = currency_decimals(currency)
    parts = value.split(".")
    if len(parts) > 2 or (places and (len(parts) != 2 or len(parts[1]) != places)) or (not places and len(parts) != 1):
        return None
    if not all(p.isdigit() for p in parts) or value.startswith("-"):
        return None
    try:
        return int(Decimal(value).scaleb(places))
    except InvalidOperation:
        return None
