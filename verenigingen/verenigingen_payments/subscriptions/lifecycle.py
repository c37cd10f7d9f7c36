"""The lifecycle rules as pure functions: a record and an observation in, the next record out.

trialing ─paid→ active ─failed/charged back→ past_due ─paid→ active
trialing ─trial end without a Mollie subscription→ expired
any live ─cancel→ cancel_at_period_end (access until period end) ─period end→ canceled
Mollie suspended (e.g. mandate invalid) → past_due with the reason; completed → ends at period end.
Nothing here does I/O; `service.SubscriptionManager` applies the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .dates import add_interval, start_of_day
from .records import ACTIVE, CANCELED, EXPIRED, PAST_DUE, TRIALING, SubscriptionRecord

PAID, FAILED, CHARGED_BACK = "paid", "failed", "charged_back"
#: The Mollie cancel goes out this long before the Amsterdam day of the next charge.
DEFAULT_CANCEL_LEAD = timedelta(days=1)


@dataclass(frozen=True)
class Outcome:
    record: SubscriptionRecord
    events: tuple[str, ...] = ()  # event kinds to record: new, reactivated, recovered, churned …
    dunning: bool = False


def payment_outcome(status: str, charged_back: bool) -> str | None:
    if charged_back:
        return CHARGED_BACK
    if status == "paid":
        return PAID
    if status in ("failed", "expired", "canceled"):
        return FAILED
    return None


def on_payment(record: SubscriptionRecord, outcome: str, payment_id: str, due: date,
               now: datetime) -> Outcome:
    if outcome == PAID:
        period_end = start_of_day(add_interval(due, record.interval))
        changed = record.evolve(
            failed_payment_count=0, last_payment_id=payment_id, last_payment_status=outcome,
            current_period_end=max(filter(None, (record.current_period_end, period_end))),
        )
        if record.ended:
            return Outcome(changed)
        events: list[str] = []
        if record.activated_at is None:
            events.append("reactivated" if record.term > 1 else "new")
            changed = changed.evolve(activated_at=now)
        if record.status == PAST_DUE:
            events.append("recovered")
        if record.mollie_status != "suspended":
            changed = changed.evolve(status=ACTIVE)
        return Outcome(changed, tuple(events))
    changed = record.evolve(failed_payment_count=record.failed_payment_count + 1, last_payment_id=payment_id,
                            last_payment_status=outcome)
    if record.ended:
        return Outcome(changed)
    if record.first_payment_id == payment_id and record.subscription_id is None:
        return Outcome(changed.evolve(status=EXPIRED, ended_at=now), ("first_payment_failed",))
    return Outcome(changed.evolve(status=PAST_DUE), ("payment_" + outcome,), dunning=True)


def on_mollie_status(record: SubscriptionRecord, mollie_status: str, next_payment: date | None,
                     reason: str | None, now: datetime) -> Outcome:
    """A Mollie status the lifecycle expects is applied; a contradicting one is drift (see drift.py)."""
    changed = record.evolve(mollie_status=mollie_status, next_payment_date=next_payment or record.next_payment_date,
                            last_sync=now)
    if record.ended:
        return Outcome(changed)
    if mollie_status == "suspended":
        first_time = record.mollie_status != "suspended"
        changed = changed.evolve(status=PAST_DUE, suspension_reason=reason or "suspended by Mollie")
        return Outcome(changed, ("suspended",) if first_time else (), dunning=first_time)
    if mollie_status in ("active", "pending") and record.mollie_status == "suspended":
        return Outcome(changed.evolve(suspension_reason=None))
    if mollie_status == "completed" and not record.cancel_at_period_end:
        return Outcome(changed.evolve(cancel_at_period_end=True, mollie_canceled_at=record.mollie_canceled_at or now))
    return Outcome(changed)


def request_cancel(record: SubscriptionRecord, now: datetime) -> Outcome:
    if record.ended or record.cancel_at_period_end:
        return Outcome(record)
    return Outcome(record.evolve(cancel_at_period_end=True, cancel_requested_at=now), ("cancel_requested",))


def undo_cancel(record: SubscriptionRecord) -> Outcome:
    """Reactivation before period end while the Mollie subscription still runs."""
    if record.ended or not record.cancel_at_period_end or record.mollie_canceled_at is not None:
        return Outcome(record)
    return Outcome(record.evolve(cancel_at_period_end=False, cancel_requested_at=None), ("cancel_undone",))


def period_end_of(record: SubscriptionRecord) -> datetime | None:
    if record.current_period_end is not None:
        return record.current_period_end
    if record.status == TRIALING:
        return record.trial_end
    return None


def mollie_cancel_due(record: SubscriptionRecord, now: datetime, lead: timedelta = DEFAULT_CANCEL_LEAD) -> bool:
    """Cancel at Mollie before it charges the next period, and only once."""
    if not record.cancel_at_period_end or record.subscription_id is None or record.mollie_canceled_at is not None:
        return False
    if record.ended:
        return True
    next_charge = record.next_payment_date or record.start_date
    if next_charge is None:
        return True
    return now >= start_of_day(next_charge) - lead


def due_transition(record: SubscriptionRecord, now: datetime) -> Outcome:
    """What time alone changes: a trial that ran out, a cancellation whose period has ended."""
    if record.ended:
        return Outcome(record)
    if record.status == TRIALING and record.subscription_id is None and record.trial_end is not None \
            and now >= record.trial_end:
        return Outcome(record.evolve(status=EXPIRED, ended_at=now), ("trial_expired",))
    if record.cancel_at_period_end:
        end = period_end_of(record)
        if end is None or now >= end:
            return Outcome(record.evolve(status=CANCELED, ended_at=now), ("churned",))
    return Outcome(record)
