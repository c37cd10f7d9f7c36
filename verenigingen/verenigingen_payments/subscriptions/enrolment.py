"""Enrolment: create at Mollie what a member's dues still lack, each step saved locally at once and
each call carrying an Idempotency-Key derived from (account, member, term, period, step).

A crash or a doubled request replays instead of duplicating: the local record says which steps
are done; Mollie replays a repeated key for an hour; beyond that the subscription step looks for
its own subscription (metadata `enrolment` = the key) before creating one, and the mandate step
reuses a valid mandate for the same IBAN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..core.compliance.bank_accounts import validate_iban
from ..core.errors import ValidationError
from ..core.models import Amount, Payment
from .context import SubscriptionContext
from .dates import add_interval, amsterdam_date, parse_interval, start_of_day, trial_end
from .mollie_api import idempotency_key, replaying
from .records import ACTIVE, MANDATE_FIRST_PAYMENT, MANDATE_SEPA, TRIALING, SubscriptionRecord


class EnrolmentError(ValidationError):
    """The enrolment cannot go on as asked (already enrolled differently, ended, no mandate)."""


@dataclass(frozen=True)
class SepaMandate:
    iban: str
    account_holder: str
    bic: str | None = None


@dataclass(frozen=True)
class FirstPayment:
    """An iDEAL first payment (sequenceType first) that establishes the SEPA direct-debit mandate."""

    redirect_url: str
    method: str = "ideal"


@dataclass(frozen=True)
class EnrolmentResult:
    record: SubscriptionRecord
    checkout_url: str | None = None


def _key(record: SubscriptionRecord, *parts: object) -> str:
    return idempotency_key(record.account, record.member_reference, record.term, *parts)


def new_record(ctx: SubscriptionContext, member: str, term: int, amount: Amount, interval: str, description: str,
               trial_days: int, now: datetime, start: date | None = None) -> SubscriptionRecord:
    parse_interval(interval)
    amount.formatted_value()
    ends = trial_end(now, trial_days) if trial_days else None
    start = start or (amsterdam_date(ends) if ends else amsterdam_date(now))
    return SubscriptionRecord(
        account=ctx.account, member_reference=member, term=term, status=TRIALING if ends else ACTIVE, amount=amount,
        interval=interval, description=description, trial_end=ends, start_date=start,
        current_period_end=None, created_at=now)


def enrol(ctx: SubscriptionContext, member: str, *, amount: Amount, interval: str, description: str,
          mandate: SepaMandate | FirstPayment, trial_days: int = 0, name: str | None = None,
          email: str | None = None) -> EnrolmentResult:
    """Start (or finish an interrupted) enrolment; re-running it with the same input is harmless."""
    now = ctx.now()
    record = ctx.store.current(ctx.account, member)
    if record is not None and record.ended:
        raise EnrolmentError(f"member {member}: the membership ended; use reactivate", field="member_reference")
    if record is None:
        record = new_record(ctx, member, 1, amount, interval, description, trial_days, now)
        ctx.store.save(record)
    elif (record.amount, record.interval) != (amount, interval):
        raise EnrolmentError(f"member {member}: already enrolled with {record.amount} per {record.interval}",
                             field="amount")
    record = ensure_customer(ctx, record, name=name, email=email)
    if isinstance(mandate, SepaMandate):
        record = ensure_sepa_mandate(ctx, record, mandate)
        return EnrolmentResult(ensure_subscription(ctx, record))
    if record.mandate_id is not None:
        return EnrolmentResult(ensure_subscription(ctx, record))
    return ensure_first_payment(ctx, record, mandate)


def ensure_customer(ctx: SubscriptionContext, record: SubscriptionRecord, *, name=None, email=None):
    if record.customer_id is not None:
        return record
    key = idempotency_key(record.account, record.member_reference, "customer")
    customer = replaying(lambda: ctx.api.customers.create_customer(
        name=name, email=email, metadata={"member": record.member_reference}, idempotency_key=key), sleep=ctx.sleep)
    record = record.evolve(customer_id=customer.id)
    ctx.store.save(record)
    return record


def ensure_sepa_mandate(ctx: SubscriptionContext, record: SubscriptionRecord, sepa: SepaMandate):
    if record.mandate_id is not None:
        return record
    iban = validate_iban(sepa.iban, field="iban").compact
    for mandate in ctx.api.mandates.list_mandates(record.customer_id):
        details = mandate.details if isinstance(mandate.details, dict) else {}
        if str(mandate.status) == "valid" and (details.get("consumerAccount") or "").replace(" ", "") == iban:
            record = record.evolve(mandate_id=mandate.id, mandate_via=MANDATE_SEPA)
            ctx.store.save(record)
            return record
    key = idempotency_key(record.account, record.member_reference, "mandate", iban)
    mandate = replaying(lambda: ctx.api.mandates.create_mandate(
        record.customer_id, method="directdebit", consumer_name=sepa.account_holder, consumer_account=iban,
        consumer_bic=sepa.bic, signature_date=amsterdam_date(ctx.now()), idempotency_key=key), sleep=ctx.sleep)
    record = record.evolve(mandate_id=mandate.id, mandate_via=MANDATE_SEPA)
    ctx.store.save(record)
    return record


def ensure_first_payment(ctx: SubscriptionContext, record: SubscriptionRecord, first: FirstPayment):
    if record.first_payment_id is not None:
        payment = ctx.api.payments.get_payment(record.first_payment_id)
        return EnrolmentResult(record, payment.link("checkout"))
    key = _key(record, record.start_date, "first-payment")
    payment = replaying(lambda: ctx.api.payments.create_payment(
        record.amount, f"{record.description} ({record.start_date})", redirect_url=first.redirect_url,
        webhook_url=ctx.webhook_url, method=first.method, customer_id=record.customer_id, sequence_type="first",
        metadata={"member": record.member_reference, "term": record.term, "period": str(record.start_date)},
        idempotency_key=key), sleep=ctx.sleep)
    record = record.evolve(first_payment_id=payment.id, mandate_via=MANDATE_FIRST_PAYMENT)
    ctx.store.save(record)
    return EnrolmentResult(record, payment.link("checkout"))


def complete_after_first_payment(ctx: SubscriptionContext, record: SubscriptionRecord, payment: Payment):
    """The first payment paid its first period; the subscription starts with the next one."""
    mandate_id = payment.mandate_id
    if mandate_id is None:
        valid = [m for m in ctx.api.mandates.list_mandates(record.customer_id) if str(m.status) == "valid"]
        mandate_id = valid[-1].id if valid else None
    if mandate_id is None:
        return record  # no mandate yet (Mollie creates it with the paid first payment); the sync retries
    record = record.evolve(mandate_id=mandate_id)
    ctx.store.save(record)
    return ensure_subscription(ctx, record, start=add_interval(record.start_date, record.interval))


def ensure_subscription(ctx: SubscriptionContext, record: SubscriptionRecord,
                        start: date | None = None) -> SubscriptionRecord:
    """`start`: Mollie's startDate when it is not the record's own (after a paid first payment)."""
    if record.subscription_id is not None:
        return record
    start = start or record.start_date
    key = _key(record, start, "subscription")
    existing = [s for s in ctx.api.subscriptions.list_subscriptions(record.customer_id)
                if isinstance(s.metadata, dict) and s.metadata.get("enrolment") == key
                and str(s.status) in ("active", "pending", "suspended")]
    if existing:
        subscription = existing[0]
    else:
        subscription = replaying(lambda: ctx.api.subscriptions.create_subscription(
            record.customer_id, record.amount, record.interval, f"{record.description} ({record.member_reference}"
            f"/{record.term})", start_date=start, mandate_id=record.mandate_id,
            webhook_url=ctx.webhook_url, metadata={"member": record.member_reference, "term": record.term,
                                                   "enrolment": key},
            idempotency_key=key), sleep=ctx.sleep)
    if record.current_period_end is None and record.trial_end is None:
        period_end = start_of_day(start)
    else:
        period_end = record.current_period_end
    record = record.evolve(subscription_id=subscription.id, mollie_status=str(subscription.status),
                           next_payment_date=subscription.next_payment_date, current_period_end=period_end,
                           mandate_id=record.mandate_id or subscription.mandate_id, last_sync=ctx.now())
    ctx.store.save(record)
    return record
