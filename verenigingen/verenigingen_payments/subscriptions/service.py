"""`SubscriptionService`: one account's subscription operations behind one object.

Webhook handlers call `payment_observed` / `subscription_observed` (or the WebhookEffect adapters
`on_payment_effect` / `on_subscription_effect`); members' actions call `enrol`, `cancel`,
`reactivate`; the scheduler calls `sync`. Drift is resolved only by a manager's choice.
"""

from __future__ import annotations

import importlib
from typing import Any, Mapping

from ..clients import MollieConfig, resolve_config
from ..clients.config import _frappe_site_bound
from ..core.models import Payment, Subscription
from ..store.ledger import PaymentLedger
from . import enrolment, membership, observations
from .context import SubscriptionContext
from .mollie_api import MollieSubscriptionApi, idempotency_key, replaying
from .records import DriftReport, SubscriptionRecord, SubscriptionStore
from .sync import SyncReport, sync_account

#: Inside a bound Frappe site the records live in DocTypes (loaded by name, like the settings provider).
FRAPPE_STORES = "verenigingen.verenigingen_payments.frappe_integration.subscriptions.store"


class SubscriptionService:
    def __init__(self, ctx: SubscriptionContext) -> None:
        self.ctx = ctx

    @classmethod
    def for_account(cls, config: str | MollieConfig, *, store: SubscriptionStore | None = None,
                    ledger: PaymentLedger | None = None, store_url: str | None = None, **options: Any
                    ) -> SubscriptionService:
        config = resolve_config(config)
        if (store is None or ledger is None) and store_url is None and _frappe_site_bound():
            site_store, site_ledger = importlib.import_module(FRAPPE_STORES).site_stores()
            store, ledger = store or site_store, ledger or site_ledger
        if store is None or ledger is None:
            from ..store.sql import open_store_engine
            from ..store.sql.ledger_store import SqlPaymentLedger
            from ..store.sql.subscription_store import SqlSubscriptionStore

            engine = open_store_engine(store_url)
            store = store or SqlSubscriptionStore(engine)
            ledger = ledger or SqlPaymentLedger(engine)
        return cls(SubscriptionContext(config.account, store, ledger, MollieSubscriptionApi.for_config(config),
                                       **options))

    def enrol(self, member: str, **kwargs: Any) -> enrolment.EnrolmentResult:
        return enrolment.enrol(self.ctx, member, **kwargs)

    def cancel(self, member: str) -> SubscriptionRecord:
        return membership.cancel(self.ctx, member)

    def reactivate(self, member: str) -> SubscriptionRecord:
        return membership.reactivate(self.ctx, member)

    def apply_due_transitions(self) -> int:
        return membership.apply_due_transitions(self.ctx)

    def payment_observed(self, payment: Payment | Mapping[str, Any]) -> SubscriptionRecord | None:
        model = payment if isinstance(payment, Payment) else Payment(dict(payment))
        return observations.payment_observed(self.ctx, model)

    def subscription_observed(self, subscription: Subscription | Mapping[str, Any]) -> SubscriptionRecord | None:
        model = subscription if isinstance(subscription, Subscription) else Subscription(dict(subscription))
        return observations.subscription_observed(self.ctx, model)

    def on_payment_effect(self, effect) -> None:
        """A `webhooks.handlers.WebhookEffect` for a payment (resource = the payment as fetched)."""
        self.payment_observed(effect.resource)

    def on_subscription_effect(self, effect) -> None:
        self.subscription_observed(effect.resource)

    def sync(self, *, tracked_only: bool = False) -> SyncReport:
        return sync_account(self.ctx, tracked_only=tracked_only)

    def open_drift(self) -> list[DriftReport]:
        return self.ctx.store.open_drift(self.ctx.account)

    def resolve_drift(self, report: DriftReport, choice: str) -> SubscriptionRecord:
        """`accept_mollie`: the local record takes Mollie's value. `restore_local`: Mollie is set back."""
        if choice not in DriftReport.CHOICES:
            raise ValueError(f"choice: {choice!r} is not one of {', '.join(DriftReport.CHOICES)}")
        ctx = self.ctx
        record = ctx.store.by_subscription_id(ctx.account, report.subscription_id)
        subscription = ctx.api.subscriptions.get_subscription(record.customer_id, report.subscription_id)
        if choice == "accept_mollie":
            record = _accepted(record, subscription, report.field, ctx)
            ctx.store.save(record)
        else:
            _restore(ctx, record, report)
        ctx.store.resolve_drift(ctx.account, report.subscription_id, report.field, choice, ctx.now())
        return record


def _accepted(record: SubscriptionRecord, subscription: Subscription, field: str, ctx) -> SubscriptionRecord:
    if field == "amount":
        return record.evolve(amount=subscription.amount)
    if field == "interval":
        return record.evolve(interval=subscription.interval)
    if field == "mandate":
        return record.evolve(mandate_id=subscription.mandate_id)
    if str(subscription.status) == "canceled":
        return record.evolve(mollie_canceled_at=subscription.canceled_at or ctx.now(), cancel_at_period_end=True)
    return record


def _restore(ctx: SubscriptionContext, record: SubscriptionRecord, report: DriftReport) -> None:
    fields = {"amount": {"amount": record.amount}, "interval": {"interval": record.interval},
              "mandate": {"mandate_id": record.mandate_id}}.get(report.field)
    if fields is None:
        raise ValueError("a status drift cannot be restored at Mollie (a canceled subscription stays canceled); "
                         "accept it, or reactivate the member")
    key = idempotency_key(record.account, record.member_reference, record.term, report.subscription_id,
                          "restore", report.field, report.mollie_value)
    replaying(lambda: ctx.api.subscriptions.update_subscription(
        record.customer_id, report.subscription_id, idempotency_key=key, **fields), sleep=ctx.sleep)
