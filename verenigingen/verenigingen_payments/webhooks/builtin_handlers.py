"""The built-in effects: payments, refunds and chargebacks update the local payment ledger;
payments and subscriptions update the subscription state; chargebacks open a Dispute Case;
settlements trigger reconciliation.

Each writes absolute state fetched from Mollie (an upsert by payment id), so running it twice
with the same effect changes nothing: the idempotency the handler contract asks for. A refund or
chargeback changes its payment's amounts, so their handler re-fetches that payment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..core.models import Payment
from ..store.ledger import PaymentLedger
from ..workflows.reconciliation.mollie_inputs import ledger_payment_from
from .handlers import HandlerRegistry, WebhookEffect
from .processing import ResourceFetcher

DEFAULT_ACCOUNT = "default"


def _ledger_payment(resource: Mapping[str, Any]):
    return ledger_payment_from(Payment(dict(resource)).validate())


class LedgerEffects:
    """Handlers that keep the local payment ledger in step with Mollie."""

    def __init__(self, ledger: PaymentLedger, fetcher: ResourceFetcher) -> None:
        self._ledger = ledger
        self._fetcher = fetcher

    def on_payment(self, effect: WebhookEffect) -> None:
        self._ledger.upsert_payments(effect.account or DEFAULT_ACCOUNT, [_ledger_payment(effect.resource)])

    def on_payment_child(self, effect: WebhookEffect) -> None:
        """A refund or chargeback: bring its payment's refunded / charged-back amounts up to date."""
        payment_id = effect.resource.get("paymentId")
        if not isinstance(payment_id, str) or not payment_id:
            return
        payment = self._fetcher.fetch(effect.account, "payment", payment_id, None)
        self._ledger.upsert_payments(effect.account or DEFAULT_ACCOUNT, [_ledger_payment(payment)])


Effect = Callable[[WebhookEffect], None]


def register_builtin_handlers(
    registry: HandlerRegistry,
    *,
    ledger: PaymentLedger,
    fetcher: ResourceFetcher,
    subscriptions: Any = None,
    chargeback_cases: Effect | None = None,
    on_settlement: Effect | None = None,
) -> HandlerRegistry:
    """Register the built-ins; the optional ones take the other features' services.

    `subscriptions`: a `subscriptions.service.SubscriptionService` (its `on_payment_effect` and
    `on_subscription_effect`); `chargeback_cases`: `disputes.webhook_handler.ChargebackCaseHandler(
    service).on_chargeback`; `on_settlement`: the reconciliation trigger for a settlement.
    """
    effects = LedgerEffects(ledger, fetcher)
    registry.register("payment", effects.on_payment)
    registry.register("refund", effects.on_payment_child)
    registry.register("chargeback", effects.on_payment_child)
    if subscriptions is not None:
        registry.register("payment", subscriptions.on_payment_effect)
        registry.register("subscription", subscriptions.on_subscription_effect)
    if chargeback_cases is not None:
        registry.register("chargeback", chargeback_cases)
    if on_settlement is not None:
        registry.register("settlement", on_settlement)
    return registry
