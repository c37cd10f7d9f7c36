"""The 6-hourly sync of one account: every Mollie subscription and each one's payments.

Payments go into the payment ledger and the revenue table by id (counted once, whether a webhook
saw them first or not); their outcomes and Mollie's subscription states drive the lifecycle;
differences in terms are reported as drift. After each subscription the listing cursor is saved,
so a sync stopped by an outage continues with the next subscription; running it again changes
nothing that is already up to date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields, replace

from ..observability.recorders import record_subscriptions
from .context import SubscriptionContext
from .membership import apply_due_transitions
from .observations import payment_observed, subscription_observed
from .records import STATUSES, SyncCheckpoint


@dataclass
class SyncReport:
    account: str
    resumed: bool = False
    resumed_from: str | None = None
    subscriptions: int = 0
    payments: int = 0
    untracked: list[str] = field(default_factory=list)
    transitions: int = 0
    open_drift: int = 0

    def __iter__(self):
        """(field, value) pairs, so `dict(report)` and JSON encoders that list iterables (Frappe's
        `bench execute` printing the scheduled entry's result) can show it."""
        return iter((f.name, getattr(self, f.name)) for f in fields(self))


def _sync_subscription(ctx: SubscriptionContext, subscription, report: SyncReport, tracked_only: bool) -> None:
    if tracked_only and ctx.store.by_subscription_id(ctx.account, subscription.id) is None:
        report.untracked.append(subscription.id)
        return
    payments = list(ctx.api.subscriptions.iter_subscription_payments(subscription.customer_id, subscription.id))
    for payment in sorted(payments, key=lambda p: (p.created_at, p.id)):
        payment_observed(ctx, payment)
    report.payments += len(payments)
    if subscription_observed(ctx, subscription) is None:
        report.untracked.append(subscription.id)


def _pending_first_payments(ctx: SubscriptionContext) -> None:
    for record in list(ctx.store.iter_records(ctx.account, statuses=("trialing", "active", "past_due"))):
        if record.first_payment_id and record.subscription_id is None:
            payment_observed(ctx, ctx.api.payments.get_payment(record.first_payment_id))


def sync_account(ctx: SubscriptionContext, *, tracked_only: bool = False) -> SyncReport:
    """`tracked_only`: skip the payments of subscriptions this module did not enrol (faster)."""
    store, account = ctx.store, ctx.account
    checkpoint = store.get_checkpoint(account)
    report = SyncReport(account)
    if checkpoint.started_at is not None and checkpoint.completed_at is None:
        report.resumed, report.resumed_from = True, checkpoint.next_from
    else:
        checkpoint = SyncCheckpoint(None, ctx.now(), None, 0)
        store.save_checkpoint(account, checkpoint)
    pages = ctx.api.subscriptions.iter_all_subscriptions(from_=checkpoint.next_from)
    for subscription in pages:
        subscription.validate()
        _sync_subscription(ctx, subscription, report, tracked_only)
        report.subscriptions += 1
        checkpoint = replace(checkpoint, next_from=pages.cursor, processed=checkpoint.processed + 1)
        store.save_checkpoint(account, checkpoint)
    _pending_first_payments(ctx)
    report.transitions = apply_due_transitions(ctx)
    store.save_checkpoint(account, replace(checkpoint, next_from=None, completed_at=ctx.now()))
    report.open_drift = len(store.open_drift(account))
    record_subscriptions(account, Counter(record.status for record in store.iter_records(account)), STATUSES)
    return report
