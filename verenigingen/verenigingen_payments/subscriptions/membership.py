"""Member-facing operations on a running membership: cancel at period end, reactivate, and what
time alone changes (trial expiry, the Mollie cancel before the next charge, the end of a period)."""

from __future__ import annotations

from ..core.errors import APIError, NotFoundError
from .context import SubscriptionContext
from .dates import amsterdam_date
from .enrolment import EnrolmentError, ensure_subscription, new_record
from .lifecycle import due_transition, mollie_cancel_due, period_end_of, request_cancel, undo_cancel
from .mollie_api import idempotency_key, replaying
from .records import ACTIVE, SubscriptionRecord


def _current(ctx: SubscriptionContext, member: str) -> SubscriptionRecord:
    record = ctx.store.current(ctx.account, member)
    if record is None:
        raise EnrolmentError(f"member {member}: no subscription", field="member_reference")
    return record


def cancel(ctx: SubscriptionContext, member: str) -> SubscriptionRecord:
    """Access stays until the period end; the Mollie subscription is canceled before its next charge."""
    now = ctx.now()
    result = request_cancel(_current(ctx, member), now)
    ctx.store.save(result.record)
    ctx.record_events(result.record, result.events, str(now.isoformat()), now)
    return apply_due(ctx, result.record)


def cancel_at_mollie(ctx: SubscriptionContext, record: SubscriptionRecord) -> SubscriptionRecord:
    """Cancel once: the key replays a repeat, and an already canceled one (422/404) counts as done."""
    key = idempotency_key(record.account, record.member_reference, record.term, record.subscription_id, "cancel")
    try:
        subscription = replaying(lambda: ctx.api.subscriptions.cancel_subscription(
            record.customer_id, record.subscription_id, idempotency_key=key), sleep=ctx.sleep)
        status = str(subscription.status)
    except APIError as exc:
        if not (isinstance(exc, NotFoundError) or exc.status == 422):
            raise
        subscription = ctx.api.subscriptions.get_subscription(record.customer_id, record.subscription_id)
        status = str(subscription.status)
        if status not in ("canceled", "completed"):
            raise
    record = record.evolve(mollie_canceled_at=ctx.now(), mollie_status=status)
    ctx.store.save(record)
    return record


def apply_due(ctx: SubscriptionContext, record: SubscriptionRecord) -> SubscriptionRecord:
    now = ctx.now()
    if mollie_cancel_due(record, now, ctx.cancel_lead):
        record = cancel_at_mollie(ctx, record)
    result = due_transition(record, now)
    if result.record != record:
        ctx.store.save(result.record)
        ctx.record_events(result.record, result.events, "due", now)
    if result.record.ended and mollie_cancel_due(result.record, now, ctx.cancel_lead):
        return cancel_at_mollie(ctx, result.record)
    return result.record


def apply_due_transitions(ctx: SubscriptionContext) -> int:
    """Run time-driven transitions for every live record of the account; how many changed."""
    changed = 0
    for record in list(ctx.store.iter_records(ctx.account, statuses=("trialing", "active", "past_due"))):
        if apply_due(ctx, record) != record:
            changed += 1
    return changed


def reactivate(ctx: SubscriptionContext, member: str) -> SubscriptionRecord:
    """Before the period end: the cancellation is undone (a new Mollie subscription from the period
    end if Mollie's was already canceled). After it: a new term whose Mollie subscription starts
    with the next period, so no period is charged twice."""
    record = _current(ctx, member)
    now = ctx.now()
    if not record.ended:
        if not record.cancel_at_period_end:
            return record
        result = undo_cancel(record)
        if result.record is not record:
            ctx.store.save(result.record)
            ctx.record_events(result.record, result.events, now.isoformat(), now)
            return result.record
        end = period_end_of(record)
        start = amsterdam_date(end) if end and end > now else amsterdam_date(now)
        successor = _next_term(ctx, record, start, now, activated_at=record.activated_at, status=record.status)
        ctx.store.save(record.evolve(status="canceled", ended_at=now))
        return successor
    start = amsterdam_date(now)
    if record.current_period_end is not None and record.current_period_end > now:
        start = amsterdam_date(record.current_period_end)
    successor = _next_term(ctx, record, start, now, activated_at=now, status=ACTIVE)
    ctx.record_events(successor, ("reactivated",), "term", now)
    return successor


def _next_term(ctx, record: SubscriptionRecord, start, now, *, activated_at, status) -> SubscriptionRecord:
    if record.mandate_id is None or record.customer_id is None:
        raise EnrolmentError(f"member {record.member_reference}: no mandate to reactivate on; enrol again",
                             field="mandate")
    mandate = ctx.api.mandates.get_mandate(record.customer_id, record.mandate_id)
    if str(mandate.status) != "valid":
        raise EnrolmentError(f"member {record.member_reference}: mandate {mandate.id} is {mandate.status}",
                             field="mandate")
    successor = new_record(ctx, record.member_reference, record.term + 1, record.amount, record.interval,
                           record.description, 0, now, start=start)
    successor = successor.evolve(customer_id=record.customer_id, mandate_id=record.mandate_id,
                                 mandate_via=record.mandate_via, activated_at=activated_at, status=status,
                                 current_period_end=record.current_period_end
                                 if record.current_period_end and record.current_period_end > now else None)
    ctx.store.save(successor)
    return ensure_subscription(ctx, successor)
