"""Dispute jobs inside a site: the daily chargeback sync, the follow-up of recovery payments, and
the webhook handler for chargebacks, all on the DocType-backed store.

To wire them (hooks.py is owned by the app shell): `scheduler_events["daily"]` →
`…frappe_integration.disputes.jobs.sync_chargebacks_daily` and `…refresh_recovery_payments`;
`mollie_webhook_handlers["chargeback"]` → `…frappe_integration.disputes.jobs.on_chargeback_webhook`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import datetime

import frappe

from verenigingen.verenigingen_payments.clients import PaymentsClient
from verenigingen.verenigingen_payments.core.errors import NotFoundError
from verenigingen.verenigingen_payments.disputes import DisputeService
from verenigingen.verenigingen_payments.disputes.recovery import RecoveryService
from verenigingen.verenigingen_payments.disputes.sync import ChargebackSync
from verenigingen.verenigingen_payments.disputes.webhook_handler import ChargebackCaseHandler
from verenigingen.verenigingen_payments.doctype.dispute_evidence.dispute_evidence import sealer_for
from verenigingen.verenigingen_payments.frappe_integration.common.account_jobs import for_each_account
from verenigingen.verenigingen_payments.frappe_integration.disputes.store import FrappeDisputeStore
from verenigingen.verenigingen_payments.frappe_integration.settings.provider import FrappeSettingsProvider


def dispute_service(settings_name: str | None = None, clock: Callable[[], datetime] | None = None) -> DisputeService:
    kwargs = {"clock": clock} if clock is not None else {}
    return DisputeService(FrappeDisputeStore(), sealer=sealer_for(settings_name), **kwargs)


def _accounts(accounts: Iterable[str] | None) -> list[str]:
    return list(accounts) if accounts is not None else FrappeSettingsProvider().enabled_accounts()


def sync_chargebacks_daily(accounts: Iterable[str] | None = None, *,
                           clock: Callable[[], datetime] | None = None) -> dict[str, dict | str]:
    """Open a case for every chargeback of every enabled account; committed per account.

    Returns each account's sync report as a plain dict (or the error's name), so `bench execute`
    and the scheduler's log can print it."""
    return for_each_account(
        _accounts(accounts), lambda name: asdict(ChargebackSync(dispute_service(name, clock), name, clock=clock).sync()),
        "Chargeback sync")


def refresh_recovery_payments(accounts: Iterable[str] | None = None) -> dict[str, int]:
    """Close cases whose recovery payment was paid; returns how many cases were looked at per account."""
    results = {}
    for name in _accounts(accounts):
        results[name] = len(RecoveryService(dispute_service(name), name).refresh_all(name))
        frappe.db.commit()
    return results


def _payment_or_none(account: str, payment_id: str | None):
    if not payment_id:
        return None
    try:
        return PaymentsClient(account).get_payment(payment_id)
    except NotFoundError:
        return None


def on_chargeback_webhook(effect) -> None:
    """Webhook handler for chargeback effects: the chargeback's case, created on first sight."""
    ChargebackCaseHandler(dispute_service(effect.account), fetch_payment=_payment_or_none).on_chargeback(effect)
