"""Comparing money within the account's `reconciliation_tolerance`, per currency.

Mollie's settlement periods carry four decimals while the settlement amount has the currency's
own (EUR 2, JPY 0), so a difference is first rounded half-even to the currency's decimals. The
tolerance is cut to the same decimals, which makes zero-decimal currencies exact: a tolerance of
0.01 means one cent in EUR and nothing at all in JPY.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal

from ...core.models.money import Amount, currency_quantum

DEFAULT_TOLERANCE = Decimal("0.01")


def round_to_currency(amount: Amount) -> Amount:
    return Amount(amount.value.quantize(currency_quantum(amount.currency), rounding=ROUND_HALF_EVEN), amount.currency)


@dataclass(frozen=True)
class Tolerance:
    """The largest difference still called equal, in the currency's major unit."""

    value: Decimal = DEFAULT_TOLERANCE

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal) or self.value < 0:
            raise ValueError("reconciliation_tolerance must be a non-negative Decimal")

    def for_currency(self, currency: str) -> Decimal:
        return self.value.quantize(currency_quantum(currency), rounding=ROUND_DOWN)

    def difference(self, expected: Amount, actual: Amount) -> Amount:
        """actual − expected, rounded to the currency's decimals."""
        return round_to_currency(actual - expected)

    def agrees(self, expected: Amount, actual: Amount) -> bool:
        return abs(self.difference(expected, actual).value) <= self.for_currency(actual.currency)


def total(amounts, currency: str) -> Amount:
    """Exact sum of `Amount`s (all in `currency`; a different currency is an error)."""
    result = Amount.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
