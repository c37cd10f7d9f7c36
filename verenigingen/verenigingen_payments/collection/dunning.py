"""The dunning of one member's dues period: a state machine whose every move is recorded with its cause.

    due → retry_scheduled → retried → paid
                               ↘ retry_scheduled (failed again, a retry left)
    due / retried → reminder_1 → reminder_2 → suspended
    any open state → paid (a payment link, a first payment) or canceled (the membership ended)

One case per (account, member, period). Every change is a compare-and-set on `version`, so two
workers (or a worker and a member paying) cannot both move the same case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime

from ..core.models.money import Amount

DUE = "due"
RETRY_SCHEDULED = "retry_scheduled"
RETRIED = "retried"
PAID = "paid"
REMINDER_1 = "reminder_1"
REMINDER_2 = "reminder_2"
SUSPENDED = "suspended"
CANCELED = "canceled"
STATES = (DUE, RETRY_SCHEDULED, RETRIED, PAID, REMINDER_1, REMINDER_2, SUSPENDED, CANCELED)
CLOSED = (PAID, CANCELED)
REMINDED = (REMINDER_1, REMINDER_2, SUSPENDED)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    DUE: (RETRY_SCHEDULED, REMINDER_1, PAID, CANCELED),
    RETRY_SCHEDULED: (RETRIED, REMINDER_1, PAID, CANCELED),  # reminder: the mandate died meanwhile
    RETRIED: (PAID, RETRY_SCHEDULED, REMINDER_1, CANCELED),
    REMINDER_1: (REMINDER_2, PAID, CANCELED),
    REMINDER_2: (SUSPENDED, PAID, CANCELED),
    SUSPENDED: (PAID, CANCELED),
    PAID: (),
    CANCELED: (),
}

FAILED_DEBIT = "failed"
CHARGEBACK = "chargeback"


class IllegalTransition(ValueError):
    pass


class ConcurrentChange(RuntimeError):
    """The case changed since it was read; read it again and decide again."""


@dataclass(frozen=True)
class Transition:
    account: str
    member_reference: str
    period: str
    from_state: str
    to_state: str
    cause: str
    at: datetime


@dataclass(frozen=True)
class DunningCase:
    account: str
    member_reference: str
    period: str
    state: str
    reason_code: str
    decision: str  # the policy's answer to the latest failure: retry, contact or stop
    amount: Amount
    customer_id: str
    failed_payment_id: str
    failure_kind: str  # FAILED_DEBIT or CHARGEBACK
    failed_on: date
    opened_at: datetime
    updated_at: datetime
    subscription_id: str | None = None
    mandate_id: str | None = None
    retries_done: int = 0
    next_action_on: date | None = None
    retry_payment_id: str | None = None
    link_id: str | None = None
    link_url: str | None = None
    new_mandate: bool = False
    settled_by: str | None = None
    recovered_at: datetime | None = None
    version: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return self.account, self.member_reference, self.period

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED

    def moved(self, to: str, cause: str, at: datetime, **changes) -> tuple[DunningCase, Transition]:
        if to not in TRANSITIONS[self.state]:
            raise IllegalTransition(f"{self.member_reference} {self.period}: {self.state} → {to} is not allowed")
        case = replace(self, state=to, updated_at=at, **changes)
        return case, Transition(self.account, self.member_reference, self.period, self.state, to, cause, at)


def retry_idempotency_key(account: str, member_reference: str, period: str, attempt: int) -> str:
    """The same retry of the same period always sends the same key, whoever sends it and however often;
    Mollie then answers a repeat with the payment it already made. Hashed: keys stay short and carry no
    member number to Mollie's logs."""
    digest = hashlib.sha256(f"{account}\x1f{member_reference}\x1f{period}".encode()).hexdigest()[:32]
    return f"dues-retry-{digest}-{period}-{attempt}"
