"""A figure added up over several Mollie accounts, honest about the accounts it could not read.

A site may hold several accounts. When one of them cannot be read (Mollie down, a rejected key), a
plain sum of the others looks like the whole; `AccountTotal` keeps the sum apart from the accounts
it is missing, so the desk and the JSON say "partial" and name them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..core.models.money import currency_quantum


@dataclass(frozen=True)
class AccountTotal:
    """The sum of one currency's figure over the accounts that could be read (None when none
    could), which accounts it counts and which it is missing."""

    currency: str
    value: Decimal | None
    counted: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict:
        value = None if self.value is None else {"value": f"{self.value:f}", "currency": self.currency}
        return {"total": value, "complete": self.complete, "accounts": list(self.counted),
                "missing": list(self.missing)}


def add_up(readings: Mapping[str, Mapping[str, Decimal] | None], currency: str) -> AccountTotal:
    """`readings`: per account its figure per currency, or None when the account could not be read.
    An account read without a figure in `currency` is counted (it holds nothing in it)."""
    counted = tuple(name for name, figures in readings.items() if figures is not None)
    missing = tuple(name for name, figures in readings.items() if figures is None)
    if not counted:
        return AccountTotal(currency, None, counted, missing)
    total = sum((readings[name].get(currency, Decimal(0)) for name in counted), Decimal(0))
    return AccountTotal(currency, total.quantize(currency_quantum(currency)), counted, missing)


def money_text(value: Decimal, currency: str) -> str:
    """`EUR 1,234.56`: exact, grouped, with the currency's own decimals."""
    return f"{currency} {value.quantize(currency_quantum(currency)):,}"


def names(accounts: Iterable[str]) -> str:
    return ", ".join(accounts)
