"""The built-in webhook effects as dotted paths for `mollie_webhook_handlers` in hooks.py.

Each is the framework-free built-in (`webhooks.builtin_handlers`) bound to the site's stores: the
ledger is `Mollie Payment` (`FrappePaymentLedger`), subscriptions go through
`SubscriptionService.for_account` (site stores), a settlement queues the reconciliation of the day it
was settled. All write absolute fetched state, so a repeated effect changes nothing.
"""

from __future__ import annotations

from datetime import date

from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.core.models.fields import parse_datetime
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import FrappePaymentLedger
from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import site_fetcher
from verenigingen.verenigingen_payments.webhooks.builtin_handlers import LedgerEffects
from verenigingen.verenigingen_payments.webhooks.handlers import WebhookEffect


def _ledger_effects() -> LedgerEffects:
    return LedgerEffects(FrappePaymentLedger(), site_fetcher())


def on_payment(effect: WebhookEffect) -> None:
    """Payment paid/failed/expired/canceled (and refunded/charged-back amounts) into `Mollie Payment`."""
    _ledger_effects().on_payment(effect)


def on_refund_or_chargeback(effect: WebhookEffect) -> None:
    """Bring the refund's or chargeback's payment up to date in the ledger."""
    _ledger_effects().on_payment_child(effect)


def _subscriptions(effect: WebhookEffect):
    from verenigingen.verenigingen_payments.subscriptions.service import SubscriptionService

    return SubscriptionService.for_account(effect.account)


def on_subscription_payment(effect: WebhookEffect) -> None:
    """A payment of a tracked subscription: lifecycle, revenue and dunning."""
    if effect.resource.get("subscriptionId"):
        _subscriptions(effect).on_payment_effect(effect)


def on_subscription(effect: WebhookEffect) -> None:
    _subscriptions(effect).on_subscription_effect(effect)


def settled_on(resource) -> date | None:
    settled_at = resource.get("settledAt")
    if not settled_at:
        return None
    return parse_datetime(settled_at, "settledAt").astimezone(AMSTERDAM).date()


def on_settlement(effect: WebhookEffect) -> None:
    """A settled settlement queues the reconciliation of its settlement day for that account."""
    from verenigingen.verenigingen_payments.frappe_integration.reconciliation.jobs import (
        enqueue_reconciliation,
    )

    day = settled_on(effect.resource)
    if day is not None and effect.account:
        enqueue_reconciliation(effect.account, day, day)
