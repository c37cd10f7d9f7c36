"""Shared wiring of the collections tests: an emulator account and a clock that moves only when told."""

from __future__ import annotations

from datetime import date, datetime, time

from verenigingen.verenigingen_payments.clients import MollieConfig
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM


def config_for(emu) -> MollieConfig:
    """Our own emulator on loopback: no rate limit to wait for, one attempt per call."""
    return MollieConfig(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                        account="small", retry_max_attempts=1, rate_limit_requests_per_second=1000)


class Clock:
    def __init__(self, start: date | datetime) -> None:
        self.now = start if isinstance(start, datetime) else datetime.combine(start, time(9), AMSTERDAM)

    def __call__(self) -> datetime:
        return self.now
