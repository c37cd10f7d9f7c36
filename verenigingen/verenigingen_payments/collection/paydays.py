"""Payday-aligned retry dates in Europe/Amsterdam: the first payday (e.g. the 25th or the 1st) at least
`lead_days` after the failure, so the retry is not re-presented before the member could have money."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ..core.calendar import amsterdam_day

DEFAULT_LEAD_DAYS = 3


def next_payday(failed_on: date, paydays: tuple[int, ...], lead_days: int = DEFAULT_LEAD_DAYS) -> date:
    earliest = failed_on + timedelta(days=lead_days)
    day = earliest
    while day.day not in paydays:
        day += timedelta(days=1)
    return day


def collection_period(collected_at: datetime) -> str:
    """A dues period is the Amsterdam month of its collection: "2025-04"."""
    day = amsterdam_day(collected_at, "collected_at")
    return f"{day.year:04d}-{day.month:02d}"
