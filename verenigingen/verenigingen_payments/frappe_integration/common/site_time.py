"""Frappe keeps Datetime fields as naive wall time in the site's time zone; the core works with
aware instants. These are the only conversions between the two in this app."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import frappe
from frappe.utils import get_system_timezone


def site_zone() -> ZoneInfo:
    return ZoneInfo(get_system_timezone())


def to_site_time(instant: datetime) -> tuple[datetime, int]:
    """Naive site-local wall time and its fold (which of a repeated DST hour it is)."""
    local = instant.astimezone(site_zone())
    return local.replace(tzinfo=None, fold=0), local.fold


def from_site_time(naive: datetime, fold: int) -> datetime:
    return naive.replace(tzinfo=site_zone(), fold=int(fold or 0)).astimezone(timezone.utc)


def to_site_naive(moment: datetime | None) -> datetime | None:
    """An aware instant as the naive value a Datetime field stores (None stays None)."""
    return None if moment is None else to_site_time(moment)[0]


def from_site_value(value) -> datetime | None:
    """A Datetime field's value (naive datetime or text) as an aware UTC instant; empty is None."""
    return None if value in (None, "") else from_site_time(frappe.utils.get_datetime(value), 0)
