"""Collections in figures per dues month: what was at risk (failed), what was recovered, the recovery
rate and the mean days from the failure to the payment that recovered it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..core.calendar import amsterdam_day
from ..core.models.money import Amount
from .dunning import CANCELED, PAID, DunningCase


@dataclass(frozen=True)
class MonthFigures:
    month: str
    cases: int
    at_risk: Amount
    recovered_cases: int
    recovered: Amount
    written_off: Amount  # canceled: the membership ended
    recovery_rate: Decimal | None  # recovered / at risk, by amount
    mean_days_to_recover: Decimal | None


def monthly_figures(cases: list[DunningCase], currency: str = "EUR") -> list[MonthFigures]:
    by_month: dict[str, list[DunningCase]] = defaultdict(list)
    for case in cases:
        if case.amount.currency == currency:
            by_month[case.period].append(case)
    out = []
    for month in sorted(by_month):
        group = by_month[month]
        zero = Amount.zero(currency)
        at_risk = sum((c.amount for c in group), zero)
        paid = [c for c in group if c.state == PAID]
        recovered = sum((c.amount for c in paid), zero)
        written_off = sum((c.amount for c in group if c.state == CANCELED), zero)
        rate = (recovered.value / at_risk.value).quantize(Decimal("0.001"), ROUND_HALF_UP) if at_risk.value else None
        days = [(amsterdam_day(c.recovered_at) - c.failed_on).days for c in paid if c.recovered_at]
        mean = (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP) if days else None
        out.append(MonthFigures(month, len(group), at_risk, len(paid), recovered, written_off, rate, mean))
    return out
