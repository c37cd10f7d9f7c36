"""The built-in effects: payments, refunds and chargebacks update the local payment ledger;
settlements trigger reconciliation.

Each writes absolute state fetched from Mollie (an upsert by payment id), so running it twice
with the same effect changes nothing: the idempotency the handler contract asks for. A refund or
chargeback changes its payment's amounts, so their handler re-fetches that payment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..core.models import Payment
from ..store.ledger import LedgerPayment, PaymentLedger
from .handlers import HandlerRegistry, WebhookEffect
from .processing import ResourceFetcher

DEFAULT_ACCOUNT = "default"


def ledger_payment_from(resource: Mapping[str, Any]) -> LedgerPayment:
    """The ledger's view of a fetched Mollie payment (parse errors name the field)."""
    payment = Payment(dict(resource)).validate()
    return LedgerPayment(
        id=payment.id,
        amount=payment.amount,
        status=str(payment.status.value),
        created_at=payment.created_at,
        method=payment.method.value if payment.method is not None else None,
        sequence_type=payment.sequence_type.value if payment.sequence_type is not None else None,
        customer_id=payment.customer_id,
        subscription_id=payment.subscription_id,
        mandate_id=payment.mandate_id,
        paid_at=payment.paid_at,
        amount_refunded=payment.amount_refunded,
        amount_charged_back=payment.amount_charged_back,
        settlement_id=payment.settlement_id,
        settlement_amount=payment.settlement_amount,
    )


class LedgerEffects:
    """Handlers that keep the local payment ledger in step with Mollie."""

    def __init__(self, ledger: PaymentLedger, fetcher: ResourceFetcher) -> None:
        self._ledger = ledger
        self._fetcher = fetcher

    def on_payment(self, effect: WebhookEffect) -> None:
        self._ledger.upsert_payments(effect.account or DEFAULT_ACCOUNT, [ledger_payment_from(effect.resource)])

    def on_payment_child(self, effect: WebhookEffect) -> None:
        """A refund or chargeback: bring its payment's refunded / charged-back amounts up to date."""
        payment_id = effect.resource.get("paymentId")
        if not isinstance(payment_id, str) or not payment_id:
            return
        payment = self._fetcher.fetch(effect.account, "payment", payment_id, None)
        self._ledger.upsert_payments(effect.account or DEFAULT_ACCOUNT, [ledger_payment_from(payment)])


def register_builtin_handlers(
    registry: HandlerRegistry,
    *,
    ledger: PaymentLedger,
    fetcher: ResourceFetcher,
    on_settlement: Callable[[WebhookEffect], None] | None = None,
) -> HandlerRegistry:
    """Payment / refund / chargeback → ledger; settlement → `on_settlement` (the reconciliation trigger)."""
    effects = LedgerEffects(ledger, fetcher)
    registry.register("payment", effects.on_payment)
    registry.register("refund", effects.on_payment_child)
    registry.register("chargeback", effects.on_payment_child)
    if on_settlement is not None:
        registry.register("settlement", on_settlement)
    return registry
