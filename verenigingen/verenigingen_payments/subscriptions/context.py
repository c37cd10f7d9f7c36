"""What every subscription operation needs for one Mollie account, and the dunning hook seam."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Protocol

from ..store.ledger import PaymentLedger
from .lifecycle import DEFAULT_CANCEL_LEAD
from .mollie_api import MollieSubscriptionApi
from .records import SubscriptionEvent, SubscriptionRecord, SubscriptionStore


class DunningHook(Protocol):
    """Called once per failed, charged-back or suspended episode (idempotent by `reason_key`)."""

    def __call__(self, record: SubscriptionRecord, reason: str, reason_key: str) -> None: ...


def no_dunning(record: SubscriptionRecord, reason: str, reason_key: str) -> None:
    return None


@dataclass
class SubscriptionContext:
    account: str
    store: SubscriptionStore
    ledger: PaymentLedger
    api: MollieSubscriptionApi
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    dunning: DunningHook = no_dunning
    cancel_lead: timedelta = DEFAULT_CANCEL_LEAD
    webhook_url: str | None = None
    sleep: Callable[[float], None] = time.sleep

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("clock: must return a timezone-aware datetime")
        return moment

    def record_events(self, record: SubscriptionRecord, kinds, key: str, at: datetime, **details) -> list[str]:
        """Record each event kind once per `key`; returns the kinds that were new."""
        fresh = []
        for kind in kinds:
            event = SubscriptionEvent(record.account, record.member_reference, record.term, kind, at,
                                      f"{record.member_reference}:{record.term}:{kind}:{key}", details)
            if self.store.record_event(event):
                fresh.append(kind)
        return fresh
