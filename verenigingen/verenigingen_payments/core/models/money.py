"""Money as Mollie writes it: an exact decimal string plus an ISO 4217 currency.

Mollie sends amounts as strings with exactly the currency's number of decimals ("10.00" EUR,
"1000" JPY). Values are kept as `Decimal`; anything that is not such a string is a parse error,
never a silent zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..errors import ResponseParseError

# Decimal places per currency, from Mollie's multicurrency documentation.
CURRENCY_DECIMALS: dict[str, int] = {
    "AED": 2, "AUD": 2, "BGN": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CZK": 2, "DKK": 2, "EUR": 2,
    "GBP": 2, "HKD": 2, "HUF": 2, "ILS": 2, "ISK": 0, "JPY": 0, "MXN": 2, "MYR": 2, "NOK": 2,
    "NZD": 2, "PHP": 2, "PLN": 2, "RON": 2, "RUB": 2, "SEK": 2, "SGD": 2, "THB": 2, "TWD": 2,
    "USD": 2,
}
DEFAULT_DECIMALS = 2

_AMOUNT_RE = re.compile(r"-?\d+(\.\d+)?", re.ASCII)
_CURRENCY_RE = re.compile(r"[A-Z]{3}")


def currency_decimals(currency: str) -> int:
    return CURRENCY_DECIMALS.get(currency, DEFAULT_DECIMALS)


def currency_quantum(currency: str) -> Decimal:
    """The smallest unit of `currency` as a Decimal exponent: 0.01 for EUR, 1 for JPY."""
    return Decimal(1).scaleb(-currency_decimals(currency))


def amount_text(amount: "Amount | None") -> str | None:
    """Exact decimal text of an amount for storage (every digit kept); None for no amount."""
    return None if amount is None else f"{amount.value:f}"


def parse_decimal(raw: object, field: str) -> Decimal:
    """Parse Mollie's decimal string exactly; raise ResponseParseError naming `field` otherwise."""
    if not isinstance(raw, str) or not _AMOUNT_RE.fullmatch(raw):
        raise ResponseParseError(f"cannot parse {field}: {raw!r} is not a decimal string", field=field)
    try:
        return Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex already rules this out
        raise ResponseParseError(f"cannot parse {field}: {raw!r}", field=field) from exc


@dataclass(frozen=True, slots=True)
class Amount:
    """An exact amount of money in one currency; negative where Mollie has negative amounts."""

    value: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            raise TypeError("Amount.value must be a Decimal, never a float")
        if not _CURRENCY_RE.fullmatch(self.currency or ""):
            raise ValueError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def parse(cls, data: object, field: str = "amount") -> Amount:
        """Build from Mollie's `{"value": "10.00", "currency": "EUR"}`."""
        if not isinstance(data, dict):
            raise ResponseParseError(f"cannot parse {field}: expected an amount object", field=field)
        currency = data.get("currency")
        if not isinstance(currency, str) or not _CURRENCY_RE.fullmatch(currency):
            raise ResponseParseError(f"cannot parse {field}.currency: {currency!r}", field=f"{field}.currency")
        return cls(parse_decimal(data.get("value"), f"{field}.value"), currency)

    @classmethod
    def of(cls, value: str | int | Decimal, currency: str) -> Amount:
        if isinstance(value, float):
            raise TypeError("use a string or Decimal for money, never a float")
        return cls(Decimal(value), currency)

    @classmethod
    def zero(cls, currency: str) -> Amount:
        return cls(Decimal(0), currency)

    @property
    def decimals(self) -> int:
        return currency_decimals(self.currency)

    def formatted_value(self) -> str:
        """The value as Mollie wants it: exactly the currency's decimals; refuses to round."""
        quantum = currency_quantum(self.currency)
        quantized = self.value.quantize(quantum)
        if quantized != self.value:
            raise ValueError(f"{self.value} {self.currency} has more than {self.decimals} decimals")
        return f"{quantized:f}"

    def to_mollie(self) -> dict[str, str]:
        return {"currency": self.currency, "value": self.formatted_value()}

    def _same_currency(self, other: Amount) -> None:
        if not isinstance(other, Amount) or other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} with {getattr(other, 'currency', other)!r}")

    def __add__(self, other: Amount) -> Amount:
        self._same_currency(other)
        return Amount(self.value + other.value, self.currency)

    def __sub__(self, other: Amount) -> Amount:
        self._same_currency(other)
        return Amount(self.value - other.value, self.currency)

    def __neg__(self) -> Amount:
        return Amount(-self.value, self.currency)

    def __str__(self) -> str:
        return f"{self.currency} {self.formatted_value()}"
