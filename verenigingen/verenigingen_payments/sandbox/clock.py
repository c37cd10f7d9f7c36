"""The emulator's simulated clock: scenario time that only moves forward when told to."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class SimClock:
    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start")
        self._now = start.astimezone(timezone.utc)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def ts(self) -> int:
        return int(self.now().timestamp())

    def advance(self, days: float = 0, seconds: float = 0) -> datetime:
        if days < 0 or seconds < 0:
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            self._now += timedelta(days=days, seconds=seconds)
            return self._now


def iso(ts: int) -> str:
    """Epoch seconds as Mollie's ISO 8601 timestamp in UTC ("2025-01-01T09:00:00+00:00")."""
    return datetime.fromtimestamp(ts, timezone.utc).isoformat()


def ams_date(ts: int) -> str:
    return datetime.fromtimestamp(ts, AMSTERDAM).date().isoformat()


def ams_midnight_ts(date_text: str) -> int:
    """Start of a Europe/Amsterdam calendar day as epoch seconds."""
    d = datetime.strptime(date_text, "%Y-%m-%d")
    return int(d.replace(tzinfo=AMSTERDAM).timestamp())
