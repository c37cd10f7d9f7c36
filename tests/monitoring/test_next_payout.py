"""When the next payout comes: estimated from the account's own recent settlements."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from verenigingen.verenigingen_payments.core.models import Settlement
from verenigingen.verenigingen_payments.monitoring.next_payout import expected_payout

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
NOW = T0 + timedelta(days=60)


def settlement(status: str, created: datetime, settled: datetime | None = None) -> Settlement:
    data = {"resource": "settlement", "id": "stl_x", "status": status, "balanceId": "bal_1",
            "amount": {"value": "10.00", "currency": "EUR"}, "createdAt": created.isoformat()}
    if settled:
        data["settledAt"] = settled.isoformat()
    return Settlement(data)


# Cutoffs every 15 days, paid out 2 days later (one late at 4 days: the median keeps 2).
RECENT = [settlement("paidout", T0 + timedelta(days=15 * i), T0 + timedelta(days=15 * i + (4 if i == 1 else 2)))
          for i in range(4)]


def test_a_closed_settlement_is_expected_the_usual_lag_after_its_cutoff():
    closed = settlement("pending", T0 + timedelta(days=58))
    assert expected_payout(closed, RECENT + [closed], NOW) == T0 + timedelta(days=60)


def test_a_collecting_settlement_closes_the_usual_cadence_after_the_last_cutoff():
    collecting = settlement("open", T0 + timedelta(days=45))
    assert expected_payout(collecting, RECENT, NOW) == T0 + timedelta(days=45 + 15 + 2)


def test_without_a_payout_seen_there_is_no_estimate():
    assert expected_payout(settlement("pending", T0), [settlement("pending", T0)], NOW) is None
    assert expected_payout(settlement("open", T0), RECENT[:1], NOW) is None  # one cutoff: no cadence
