"""The three-way summary per month: Mollie's balance movements, the settlements paid out, and what
arrived at the bank, with the difference between the last two explained payout by payout.

A payout's lines count in the month it was paid out (a credit on the 1st for a payout of the 31st
is that month's); a credit from Mollie that no payout explains counts in the month it was booked.
By construction, paid out − arrived = Σ explanations; `unexplained` says so in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .matching import MATCHED, MatchOutcome

ZERO = Decimal(0)


@dataclass(frozen=True)
class Explanation:
    what: str  # settlement id or bank entry
    status: str
    amount: Decimal  # paid out minus arrived for this item


@dataclass(frozen=True)
class MollieMovements:
    opening: Decimal
    closing: Decimal
    transfers: Decimal  # the report's transfers category (payouts out, returned/canceled back)


@dataclass
class MonthSummary:
    month: str
    currency: str
    paid_out: Decimal = ZERO
    arrived: Decimal = ZERO
    payouts: int = 0
    explanations: list[Explanation] = field(default_factory=list)
    mollie: MollieMovements | None = None

    @property
    def difference(self) -> Decimal:
        return self.paid_out - self.arrived

    @property
    def unexplained(self) -> Decimal:
        return self.difference - sum((e.amount for e in self.explanations), ZERO)


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def three_way_summary(outcome: MatchOutcome, currency: str,
                      mollie: dict[str, MollieMovements] | None = None) -> list[MonthSummary]:
    months: dict[str, MonthSummary] = {}

    def month(key: str) -> MonthSummary:
        return months.setdefault(key, MonthSummary(key, currency))

    for m in outcome.matches:
        row = month(_month(m.payout.paid_day))
        row.paid_out += m.payout.amount
        row.payouts += 1
        row.arrived += m.arrived
        gap = m.payout.amount - m.arrived
        if gap or m.status != MATCHED:
            row.explanations.append(Explanation(m.payout.settlement_id, m.status, gap))
    for line in outcome.unexplained_credits:
        row = month(_month(line.value_date))
        row.arrived += line.amount
        row.explanations.append(Explanation(line.entry_ref, "credit without settlement", -line.amount))
    for key, movements in (mollie or {}).items():
        month(key).mollie = movements
    return [months[k] for k in sorted(months)]
