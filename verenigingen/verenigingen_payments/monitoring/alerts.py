"""Alert deduplication and the notifier seam.

One alert per condition (threshold × balance) until it clears or its cooldown passes. The state
lives in a store so that every worker and every 15-minute run agrees; the claim to notify is a
compare-and-set on `last_notified_at`, so two overlapping runs never send the same alert twice.
A notifier that fails releases the claim, so the next run tries again.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from .thresholds import Breach

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlertState:
    active: bool = False
    first_seen_at: datetime | None = None
    last_notified_at: datetime | None = None
    notified_count: int = 0


@runtime_checkable
class AlertStateStore(Protocol):
    def get_state(self, account: str, condition_key: str) -> AlertState: ...

    def claim_notification(self, account: str, condition_key: str, expected_last: datetime | None,
                           now: datetime) -> bool:
        """Set active and last_notified_at=now iff last_notified_at is still `expected_last`."""

    def release_notification(self, account: str, condition_key: str, now: datetime,
                             previous: datetime | None) -> None:
        """Undo a claim whose notification failed (only if the claim is still ours)."""

    def mark_seen(self, account: str, condition_key: str, now: datetime) -> None: ...

    def clear(self, account: str, condition_key: str) -> bool:
        """Mark inactive; True if it was active."""

    def active_keys(self, account: str) -> list[str]: ...


@dataclass(frozen=True)
class BalanceAlert:
    account: str
    condition_key: str
    threshold_id: str
    kind: str
    severity: str
    balance_id: str
    currency: str
    value: str
    limit: str
    message: str
    recipients: tuple[str, ...]
    raised_at: datetime

    def as_dict(self) -> dict:
        out = dict(self.__dict__)
        out["raised_at"] = self.raised_at.isoformat()
        out["recipients"] = list(self.recipients)
        return out


@runtime_checkable
class Notifier(Protocol):
    """Delivers an alert (the Frappe layer: email queue to the recipients + a desk notification)."""

    def send(self, alert: BalanceAlert) -> None: ...


class LoggingNotifier:
    """Outside a site: alerts go to the log at WARNING (CRITICAL for critical ones)."""

    def send(self, alert: BalanceAlert) -> None:
        level = logging.CRITICAL if alert.severity == "critical" else logging.WARNING
        logger.log(level, "balance alert for %s: %s", alert.account, alert.message)


@dataclass
class OutboxNotifier:
    """Keeps sent alerts in memory (scripts, the README's demo, tests)."""

    sent: list[BalanceAlert] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def send(self, alert: BalanceAlert) -> None:
        with self._lock:
            self.sent.append(alert)


@dataclass
class GateResult:
    raised: list[BalanceAlert] = field(default_factory=list)
    suppressed: list[dict] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)


class AlertGate:
    def __init__(self, state: AlertStateStore, notifier: Notifier) -> None:
        self._state = state
        self._notifier = notifier

    def process(self, account: str, breaches: list[Breach], checked_keys: set[str], now: datetime,
                default_recipients: tuple[str, ...] = ()) -> GateResult:
        """Notify new or cooled-down breaches, suppress repeats, clear conditions no longer breached.
        Only keys in `checked_keys` may clear (a balance that could not be read clears nothing)."""
        result = GateResult()
        breached = set()
        for breach in breaches:
            key = breach.threshold.condition_key(breach.balance_id)
            breached.add(key)
            self._one(account, key, breach, now, default_recipients, result)
        for key in self._state.active_keys(account):
            if key in checked_keys and key not in breached and self._state.clear(account, key):
                result.cleared.append(key)
        return result

    def _one(self, account: str, key: str, breach: Breach, now: datetime, default_recipients: tuple[str, ...],
             result: GateResult) -> None:
        state = self._state.get_state(account, key)
        threshold = breach.threshold
        if state.active and state.last_notified_at is not None and now - state.last_notified_at < threshold.cooldown:
            self._state.mark_seen(account, key, now)
            result.suppressed.append({"condition_key": key, "reason": "cooldown", "message": breach.message,
                                      "last_notified_at": state.last_notified_at.isoformat()})
            return
        if not self._state.claim_notification(account, key, state.last_notified_at, now):
            result.suppressed.append({"condition_key": key, "reason": "notified by a concurrent run",
                                      "message": breach.message})
            return
        alert = BalanceAlert(
            account=account, condition_key=key, threshold_id=threshold.threshold_id, kind=threshold.kind,
            severity=threshold.severity, balance_id=breach.balance_id, currency=breach.currency,
            value=f"{breach.value:f}", limit=f"{threshold.amount:f}", message=breach.message,
            recipients=threshold.recipients or default_recipients, raised_at=now)
        try:
            self._notifier.send(alert)
        except Exception as exc:  # noqa: BLE001 - the next run retries; the cycle goes on
            logger.exception("sending balance alert %s failed", key)
            self._state.release_notification(account, key, now, state.last_notified_at)
            result.failed.append({"condition_key": key, "error": type(exc).__name__})
            return
        result.raised.append(alert)
