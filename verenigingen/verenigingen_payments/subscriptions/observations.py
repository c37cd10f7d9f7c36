"""Applying what was observed at Mollie (by a webhook or by the sync) to the local records.

`payment_observed` is safe to call any number of times with the same payment: the ledger and the
revenue table upsert by payment id (a payment is counted once however often webhook and sync see
it), and a payment's outcome changes the record once (its event key is recorded).
"""

from __future__ import annotations

from ..core.models import Payment, Subscription
from ..workflows.reconciliation.mollie_inputs import ledger_payment_from
from .context import SubscriptionContext
from .dates import amsterdam_date
from .drift import detect_drift
from .lifecycle import CHARGED_BACK, PAID, on_mollie_status, on_payment, payment_outcome
from .records import SubscriptionPayment, SubscriptionRecord


def record_for_payment(ctx: SubscriptionContext, payment: Payment) -> SubscriptionRecord | None:
    if payment.subscription_id:
        return ctx.store.by_subscription_id(ctx.account, payment.subscription_id)
    return ctx.store.by_first_payment_id(ctx.account, payment.id)


def _due_date(record: SubscriptionRecord, payment: Payment):
    if payment.id == record.first_payment_id and record.start_date is not None:
        return record.start_date
    return amsterdam_date(payment.created_at, "payment.createdAt")


def payment_observed(ctx: SubscriptionContext, payment: Payment) -> SubscriptionRecord | None:
    """Ledger upsert, revenue row, lifecycle transition and dunning for one payment's state."""
    payment.validate()
    ctx.ledger.upsert_payments(ctx.account, [ledger_payment_from(payment)])
    record = record_for_payment(ctx, payment)
    if record is None:
        return None
    charged_back = payment.amount_charged_back is not None and payment.amount_charged_back.value > 0
    due = _due_date(record, payment)
    ctx.store.upsert_payment(SubscriptionPayment(
        ctx.account, payment.id, payment.subscription_id, record.member_reference, record.term, payment.amount,
        CHARGED_BACK if charged_back else str(payment.status), due, payment.created_at, payment.paid_at,
        payment.amount_charged_back, payment.amount_refunded,
        None if payment.sequence_type is None else str(payment.sequence_type)))
    outcome = payment_outcome(str(payment.status), charged_back)
    if outcome is None:
        return record
    if (record.last_payment_id, record.last_payment_status) == (payment.id, outcome) or \
            _seen(ctx, record, payment.id, outcome):
        return record
    now = ctx.now()
    result = on_payment(record, outcome, payment.id, due, now)
    if result.record != record:
        ctx.store.save(result.record)
    ctx.record_events(result.record, ("payment_" + outcome, *result.events), payment.id, now, payment=payment.id)
    if result.dunning:
        ctx.dunning(result.record, outcome, f"{payment.id}:{outcome}")
    if outcome == PAID and record.first_payment_id == payment.id and record.subscription_id is None:
        from .enrolment import complete_after_first_payment

        return complete_after_first_payment(ctx, result.record, payment)
    return result.record


def _seen(ctx: SubscriptionContext, record: SubscriptionRecord, payment_id: str, outcome: str) -> bool:
    return ctx.store.has_event(ctx.account, f"{record.member_reference}:{record.term}:payment_{outcome}:{payment_id}")


def suspension_reason(ctx: SubscriptionContext, subscription: Subscription) -> str | None:
    """Why Mollie suspended it: the mandate's state when that explains it, else Mollie's status."""
    if str(subscription.status) != "suspended":
        return None
    if subscription.mandate_id and subscription.customer_id:
        mandate = ctx.api.mandates.get_mandate(subscription.customer_id, subscription.mandate_id)
        if str(mandate.status) != "valid":
            return f"mandate {mandate.id} is {mandate.status}"
    return "suspended by Mollie"


def subscription_observed(ctx: SubscriptionContext, subscription: Subscription) -> SubscriptionRecord | None:
    """Map Mollie's status onto the record and report drift; differing terms are never overwritten."""
    subscription.validate()
    record = ctx.store.by_subscription_id(ctx.account, subscription.id)
    if record is None:
        return None
    now = ctx.now()
    status = str(subscription.status)
    result = on_mollie_status(record, status, subscription.next_payment_date,
                              suspension_reason(ctx, subscription), now)
    ctx.store.save(result.record)
    fresh = ctx.record_events(result.record, result.events, f"{subscription.id}:{status}", now)
    if result.dunning and "suspended" in fresh:
        ctx.dunning(result.record, "suspended", f"{subscription.id}:suspended")
    for report in detect_drift(result.record, subscription):
        ctx.store.record_drift(report, now)
    return result.record
