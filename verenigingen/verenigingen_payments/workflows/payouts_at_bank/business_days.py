"""Bank business days in the Netherlands: weekdays that are not TARGET2 closing days.

Dutch banks book SEPA transfers on every TARGET2 day; their "bankfeestdagen" (Betaalvereniging
Nederland) are exactly TARGET2's closing days — New Year, Good Friday, Easter Monday, 1 May,
Christmas and Boxing Day — while King's Day, Ascension and Whit Monday are ordinary booking days.
The `holidays` package keeps that calendar as `financial_holidays("XECB")`.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _closing_days(year: int) -> frozenset[date]:
    return frozenset(holidays.financial_holidays("XECB", years=year))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _closing_days(day.year)


def add_business_days(day: date, count: int) -> date:
    """The business day `count` business days after `day` (`day` itself need not be one)."""
    current = day
    while count > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            count -= 1
    return current


def business_days_between(start: date, end: date) -> int:
    """Business days after `start` up to and including `end` (0 when `end` <= `start`)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_business_day(current)
    return count
