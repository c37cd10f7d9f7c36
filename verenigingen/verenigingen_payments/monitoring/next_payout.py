"""When the next payout comes. Mollie's next settlement gives the amount and, once its period has
closed, its cutoff (`createdAt`); it never says when the money reaches the bank. The account's own
recent settlements do: the payout is expected the usual lag (median cutoff → payout) after the
cutoff, and a settlement still collecting closes the usual cadence after the last cutoff."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ..core.models import Settlement
from .balance_data import SCHEDULE_STATUSES, settlement_mark
from .forecast import settlement_schedule

COLLECTING = "open"


def expected_payout(next_settlement: Settlement, recent: Iterable[Settlement],
                    now: datetime) -> datetime | None:
    """The estimated payout moment of `next_settlement`, or None when the recent settlements give
    nothing to go on (no payout seen yet, or a collecting settlement without a known cadence)."""
    marks = sorted((settlement_mark(s) for s in recent if str(s.status.value) in SCHEDULE_STATUSES),
                   key=lambda m: m.cutoff)
    cadence, lag = settlement_schedule(marks, now)
    if lag is None:
        return None
    if str(next_settlement.status.value) != COLLECTING:
        return next_settlement.created_at + lag if next_settlement.created_at else None
    if cadence is None:
        return None
    return marks[-1].cutoff + cadence + lag
