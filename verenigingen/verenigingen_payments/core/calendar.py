"""Mollie's calendar days are Europe/Amsterdam days: the one place this app names that zone and
turns a day into the instant it starts (DST is the tz database's business, never ours)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def amsterdam_day(moment: datetime, field: str = "moment") -> date:
    """The Amsterdam calendar day of an aware instant (00:30 CET on 1 March is 1 March)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"{field}: a timezone-aware datetime is required")
    return moment.astimezone(AMSTERDAM).date()


def amsterdam_midnight(day: date) -> datetime:
    """00:00 Amsterdam of `day`, as an aware instant in Amsterdam time."""
    return datetime.combine(day, time(0), AMSTERDAM)
