"""The local record of a membership subscription and the seam (`SubscriptionStore`) that keeps it.

One record per membership *term*: (account, member_reference, term). A member who cancels and
comes back later gets term + 1 with a new Mollie subscription (Mollie cannot reactivate a
canceled one), so every Mollie subscription id maps to exactly one record. The SQL store is
`store.sql.subscription_store.SqlSubscriptionStore`; the `Mollie Subscription` DocType implements
the same protocol inside a site.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Iterable, Iterator, Protocol, runtime_checkable

from ..core.models.money import Amount

TRIALING = "trialing"
ACTIVE = "active"
PAST_DUE = "past_due"
CANCELED = "canceled"
EXPIRED = "expired"
STATUSES = (TRIALING, ACTIVE, PAST_DUE, CANCELED, EXPIRED)
ENDED = (CANCELED, EXPIRED)

MANDATE_FIRST_PAYMENT = "first_payment"
MANDATE_SEPA = "sepa"


@dataclass(frozen=True)
class SubscriptionRecord:
    account: str
    member_reference: str
    term: int
    status: str
    amount: Amount
    interval: str
    description: str
    customer_id: str | None = None
    mandate_id: str | None = None
    mandate_via: str | None = None  # first_payment | sepa
    first_payment_id: str | None = None
    subscription_id: str | None = None
    mollie_status: str | None = None
    suspension_reason: str | None = None
    start_date: date | None = None
    trial_end: datetime | None = None
    current_period_end: datetime | None = None
    next_payment_date: date | None = None
    cancel_at_period_end: bool = False
    cancel_requested_at: datetime | None = None
    mollie_canceled_at: datetime | None = None
    ended_at: datetime | None = None
    failed_payment_count: int = 0
    last_payment_id: str | None = None
    last_payment_status: str | None = None
    activated_at: datetime | None = None
    last_sync: datetime | None = None
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status: {self.status!r} is not one of {', '.join(STATUSES)}")

    @property
    def key(self) -> tuple[str, str, int]:
        return self.account, self.member_reference, self.term

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def evolve(self, **changes) -> SubscriptionRecord:
        return replace(self, **changes)


@dataclass(frozen=True)
class SubscriptionEvent:
    """A counted lifecycle fact (new, churned, reactivated …); `event_key` makes recording idempotent."""

    account: str
    member_reference: str
    term: int
    kind: str
    at: datetime
    event_key: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SubscriptionPayment:
    """One Mollie payment of a subscription, as the revenue figures count it (one row per id)."""

    account: str
    payment_id: str
    subscription_id: str | None
    member_reference: str
    term: int
    amount: Amount
    status: str
    due_date: date
    created_at: datetime
    paid_at: datetime | None = None
    amount_charged_back: Amount | None = None
    amount_refunded: Amount | None = None
    sequence_type: str | None = None


@dataclass(frozen=True)
class DriftReport:
    """Mollie's subscription differs from the local record in `field`; nothing was overwritten."""

    account: str
    subscription_id: str
    field: str
    local_value: str | None
    mollie_value: str | None
    member_reference: str
    term: int
    status: str = "open"  # open | resolved
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None
    resolution: str | None = None  # accept_mollie | restore_local

    CHOICES = ("accept_mollie", "restore_local")


@dataclass(frozen=True)
class SyncCheckpoint:
    next_from: str | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    processed: int = 0


@runtime_checkable
class SubscriptionStore(Protocol):
    def get(self, account: str, member_reference: str, term: int) -> SubscriptionRecord | None: ...

    def current(self, account: str, member_reference: str) -> SubscriptionRecord | None:
        """The member's newest term."""

    def by_subscription_id(self, account: str, subscription_id: str) -> SubscriptionRecord | None: ...

    def by_first_payment_id(self, account: str, payment_id: str) -> SubscriptionRecord | None: ...

    def save(self, record: SubscriptionRecord) -> None:
        """Insert or replace by key."""

    def iter_records(self, account: str | None = None, statuses: Iterable[str] | None = None
                     ) -> Iterator[SubscriptionRecord]: ...

    def record_event(self, event: SubscriptionEvent) -> bool:
        """False when an event with the same key was already recorded."""

    def has_event(self, account: str, event_key: str) -> bool: ...

    def iter_events(self, account: str) -> Iterator[SubscriptionEvent]: ...

    def upsert_payment(self, payment: SubscriptionPayment) -> None: ...

    def iter_payments(self, account: str) -> Iterator[SubscriptionPayment]: ...

    def record_drift(self, report: DriftReport, now: datetime) -> None:
        """Insert or refresh an open report; a resolved one with the same values stays resolved."""

    def open_drift(self, account: str) -> list[DriftReport]: ...

    def resolve_drift(self, account: str, subscription_id: str, field: str, resolution: str,
                      now: datetime) -> None: ...

    def get_checkpoint(self, account: str) -> SyncCheckpoint: ...

    def save_checkpoint(self, account: str, checkpoint: SyncCheckpoint) -> None: ...
