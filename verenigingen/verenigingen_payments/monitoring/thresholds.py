"""Balance Threshold records and how each kind is checked against one balance.

Kinds: `below` (available under the amount: critical), `pending-above` (pending over the amount),
`drop` (the organic flow over the last `period_hours` lost more than the amount; payouts are
excluded, they are expected), `forecast-below` (the forecast's expected balance falls under the
amount within `forecast_days`). A threshold names a `balance_id`, or a `currency`, or neither
(every balance of the account). Mollie Settings' `low_balance_threshold` /
`enable_balance_alerts` / `alert_recipients` become the account-wide default `below` threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol, runtime_checkable

from .forecast import BalanceForecast, BalanceHistory

BELOW, PENDING_ABOVE, DROP, FORECAST_BELOW = "below", "pending-above", "drop", "forecast-below"
KINDS = (BELOW, PENDING_ABOVE, DROP, FORECAST_BELOW)
CRITICAL, WARNING, HEALTHY = "critical", "warning", "healthy"
DEFAULT_COOLDOWN_MINUTES = 240


class ThresholdError(ValueError):
    """A threshold record that cannot be checked; the message names the field."""


@dataclass(frozen=True)
class BalanceThreshold:
    threshold_id: str
    settings_name: str
    kind: str
    amount: Decimal
    balance_id: str | None = None
    currency: str | None = None
    period_hours: int = 24
    forecast_days: int = 7
    active: bool = True
    recipients: tuple[str, ...] = ()
    cooldown_minutes: int = DEFAULT_COOLDOWN_MINUTES

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ThresholdError(f"kind: {self.kind!r} is not one of {', '.join(KINDS)}")
        if not isinstance(self.amount, Decimal):
            raise ThresholdError("amount: must be a Decimal")
        if self.amount < 0:
            raise ThresholdError("amount: must not be negative")
        if self.kind == DROP and not 1 <= self.period_hours <= 24 * 31:
            raise ThresholdError("period_hours: between 1 and 744")
        if self.kind == FORECAST_BELOW and not 1 <= self.forecast_days <= 14:
            raise ThresholdError("forecast_days: between 1 and 14")
        if self.cooldown_minutes < 0:
            raise ThresholdError("cooldown_minutes: must not be negative")

    @property
    def severity(self) -> str:
        return CRITICAL if self.kind == BELOW else WARNING

    @property
    def cooldown(self) -> timedelta:
        return timedelta(minutes=self.cooldown_minutes)

    def applies_to(self, balance_id: str, currency: str) -> bool:
        if self.balance_id:
            return self.balance_id == balance_id
        if self.currency:
            return self.currency == currency
        return True

    def condition_key(self, balance_id: str) -> str:
        return f"{self.threshold_id}:{balance_id}"


@dataclass(frozen=True)
class BalanceSnapshot:
    balance_id: str
    currency: str
    available: Decimal
    pending: Decimal
    as_of: datetime
    history: BalanceHistory | None = None
    forecast: BalanceForecast | None = None


@dataclass(frozen=True)
class Breach:
    threshold: BalanceThreshold
    balance_id: str
    currency: str
    value: Decimal
    message: str


def check(threshold: BalanceThreshold, snap: BalanceSnapshot) -> Breach | None:
    """The breach of `threshold` on this balance, or None (also when the data to judge is missing)."""
    limit = f"{threshold.amount:f} {snap.currency}"
    if threshold.kind == BELOW and snap.available < threshold.amount:
        return Breach(threshold, snap.balance_id, snap.currency, snap.available,
                      f"available balance {snap.available:f} {snap.currency} is below {limit}")
    if threshold.kind == PENDING_ABOVE and snap.pending > threshold.amount:
        return Breach(threshold, snap.balance_id, snap.currency, snap.pending,
                      f"pending amount {snap.pending:f} {snap.currency} is above {limit}")
    if threshold.kind == DROP and snap.history is not None:
        start = snap.as_of - timedelta(hours=threshold.period_hours)
        change = snap.history.organic_between(start, snap.as_of)
        if -change > threshold.amount:
            return Breach(threshold, snap.balance_id, snap.currency, change,
                          f"balance fell {-change:f} {snap.currency} in {threshold.period_hours} h "
                          f"(payouts excluded), more than {limit}")
    if threshold.kind == FORECAST_BELOW and snap.forecast is not None:
        low = snap.forecast.lowest(threshold.forecast_days)
        if low is not None and low.expected < threshold.amount:
            return Breach(threshold, snap.balance_id, snap.currency, low.expected,
                          f"forecast: {low.expected:f} {snap.currency} on {low.day.isoformat()} "
                          f"(80% band {low.low:f} to {low.high:f}), below {limit} within "
                          f"{threshold.forecast_days} days")
    return None


@runtime_checkable
class ThresholdStore(Protocol):
    def active_thresholds(self, settings_name: str) -> list[BalanceThreshold]: ...

    def save_threshold(self, threshold: BalanceThreshold) -> BalanceThreshold: ...

    def delete_threshold(self, threshold_id: str) -> None: ...
