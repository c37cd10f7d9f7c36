"""Mollie's calendar is Europe/Amsterdam: `startDate`, `nextPaymentDate` and billing periods are
Amsterdam days. Instants stay timezone-aware UTC; these helpers are the only place they become
days and back, so DST (last Sundays of March and October) is handled by the tz database.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from dateutil.relativedelta import relativedelta

from ..core.calendar import AMSTERDAM, amsterdam_day, amsterdam_midnight
_INTERVAL = re.compile(r"^\s*(\d+)\s+(day|days|week|weeks|month|months)\s*$")


class IntervalError(ValueError):
    """A subscription interval Mollie would not accept ("1 month", "14 days", "2 weeks")."""


def _aware(moment: datetime, field: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"{field}: a timezone-aware datetime is required")
    return moment


def amsterdam_date(moment: datetime, field: str = "moment") -> date:
    """The Amsterdam calendar day of an instant (00:30 CET on 1 March is 1 March, not 28 Feb UTC)."""
    return amsterdam_day(moment, field)


def start_of_day(day: date) -> datetime:
    """00:00 Amsterdam of `day`, as an aware UTC instant (23:00 or 22:00 UTC the day before)."""
    return amsterdam_midnight(day).astimezone(timezone.utc)


def trial_end(started_at: datetime, days: int) -> datetime:
    """End of a trial of `days` Amsterdam calendar days: the same wall-clock time, DST-proof."""
    if days < 0:
        raise ValueError("trial_days: must be zero or more")
    local = _aware(started_at, "trial_started_at").astimezone(AMSTERDAM)
    wall = datetime.combine(local.date() + timedelta(days=days), local.timetz().replace(tzinfo=None))
    return wall.replace(tzinfo=AMSTERDAM).astimezone(timezone.utc)


def parse_interval(interval: str) -> relativedelta:
    match = _INTERVAL.match(interval or "") if isinstance(interval, str) else None
    if match is None or int(match.group(1)) < 1:
        raise IntervalError(f"interval: {interval!r} is not like '1 month', '14 days' or '2 weeks'")
    n, unit = int(match.group(1)), match.group(2)
    if unit.startswith("month"):
        return relativedelta(months=n)
    if unit.startswith("week"):
        return relativedelta(weeks=n)
    return relativedelta(days=n)


def add_interval(day: date, interval: str) -> date:
    """The next billing day (31 Jan + 1 month = 28/29 Feb, as Mollie does)."""
    return day + parse_interval(interval)


def periods_per_year(interval: str) -> tuple[int, int]:
    """How many periods of `interval` make a year, as an exact fraction (numerator, denominator)."""
    step = parse_interval(interval)
    months = step.years * 12 + step.months  # relativedelta keeps "12 months" as years=1, months=0
    if months:
        return 12, months
    return 365, step.days


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
