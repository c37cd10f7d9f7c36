"""The finance dashboard endpoint and the "Mollie Finance" workspace's card methods (viewers).

`get_dashboard_metrics` is also at the short route `/api/method/get_dashboard_metrics` (hooks.py,
`override_whitelisted_methods`), as the deployment guide's load test calls it. Figures come from
`monitoring.dashboard_metrics` (cached in the site's Redis for a minute); the cards' texts from
`monitoring.morning_view` and `monitoring.overview_cards`, over every enabled account. A card
method returns finished text (HTML, escaped, linked to its list): Frappe shows a string as is."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import frappe

from verenigingen.verenigingen_payments.api.conventions import (
    checked_arguments,
    SETTINGS_DOCTYPE,
    mollie_errors_as_http,
    require_role,
    resolve_settings_name,
)
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.frappe_integration.collections import figures as collection_figures
from verenigingen.verenigingen_payments.frappe_integration.common.roles import VIEW_ROLES
from verenigingen.verenigingen_payments.frappe_integration.monitoring import morning_facts
from verenigingen.verenigingen_payments.frappe_integration.monitoring.dashboard_site import (
    account_metrics,
    enabled_accounts,
    every_account_metrics,
)
from verenigingen.verenigingen_payments.monitoring import morning_view, overview_cards
from verenigingen.verenigingen_payments.monitoring.dashboard_totals import (
    earliest_payout,
    payout_readings,
    site_totals,
)
from verenigingen.verenigingen_payments.monitoring.desk_cards import NO_ACCOUNT, DeskCard


@frappe.whitelist(methods=["GET", "POST"])
@checked_arguments
def get_dashboard_metrics(settings: str | None = None, refresh: int | str | None = None) -> dict:
    """Balances, next settlement, 30/90-day volume, fees and fee rate, refunds, chargebacks, open
    disputes, the last reconciliation run and the subscription figures of one account, its collections
    per dues month (`collections`: at risk, recovered, recovery rate, days to recover), and `totals`
    over every enabled account (incomplete, naming the accounts missing, when one could not be read);
    money as exact strings."""
    require_role(VIEW_ROLES)
    name = resolve_settings_name(settings)
    with mollie_errors_as_http(name):
        metrics = account_metrics(name, refresh=bool(frappe.utils.cint(refresh)))
    collections = collection_figures.as_dict(collection_figures.site_figures([name]))
    return {**metrics, "collections": collections, "totals": site_totals(every_account_metrics())}


def _today() -> date:
    return datetime.now(timezone.utc).astimezone(AMSTERDAM).date()


@frappe.whitelist()
@checked_arguments
def card_reconciliation(filters=None) -> str:
    """Number card: did yesterday's reconciliation add up (open discrepancies, accounts not reconciled)."""
    require_role(VIEW_ROLES)
    yesterday = _today() - timedelta(days=1)
    return morning_view.reconciliation_card(
        morning_facts.reconciliation_facts(enabled_accounts(), yesterday), yesterday).html()


@frappe.whitelist()
@checked_arguments
def card_next_payout(filters=None) -> str:
    """Number card: Mollie's next settlement of every enabled account (EUR) and when it is expected."""
    require_role(VIEW_ROLES)
    metrics = every_account_metrics()
    expected = earliest_payout(metrics)
    soonest = datetime.fromisoformat(expected) if expected else None
    return morning_view.payout_card(payout_readings(metrics), soonest, _today()).html()


@frappe.whitelist()
@checked_arguments
def card_webhook_backlog(filters=None) -> str:
    """Number card: unprocessed Mollie webhook deliveries, how many are due, the oldest one's age."""
    require_role(VIEW_ROLES)
    now = datetime.now(timezone.utc)
    return morning_view.webhook_card(morning_facts.webhook_backlog(now), now).html()


@frappe.whitelist()
@checked_arguments
def card_disputes_due(filters=None) -> str:
    """Number card: active dispute cases of the enabled accounts whose deadline is today or past."""
    require_role(VIEW_ROLES)
    today = _today()
    return morning_view.dispute_card(morning_facts.dispute_facts(enabled_accounts(), today), today).html()


@frappe.whitelist()
@checked_arguments
def card_available_balance(filters=None) -> str:
    """Number card: available EUR balance over the enabled accounts, marked partial when one is unread."""
    require_role(VIEW_ROLES)
    return overview_cards.balance_card(every_account_metrics()).html()


@frappe.whitelist()
@checked_arguments
def card_volume_30d(filters=None) -> str:
    """Number card: paid volume (EUR) of the last 30 days from the local ledger, all enabled accounts."""
    require_role(VIEW_ROLES)
    return overview_cards.volume_card(every_account_metrics()).html()


@frappe.whitelist()
@checked_arguments
def card_fee_rate_30d(filters=None) -> str:
    """Number card: Mollie fees as a percentage of the last 30 days' payments, all enabled accounts."""
    require_role(VIEW_ROLES)
    return overview_cards.fee_rate_card(every_account_metrics()).html()


@frappe.whitelist()
@checked_arguments
def card_active_members(filters=None) -> dict | str:
    """Number card: active membership subscriptions of the enabled accounts; a click opens them."""
    require_role(VIEW_ROLES)
    active = overview_cards.active_members(every_account_metrics())
    if isinstance(active, DeskCard):
        return active.html()
    return {"value": active, "fieldtype": "Int", "route": ["List", overview_cards.SUBSCRIPTION],
            "route_options": {"status": "active"}}


@frappe.whitelist()
@checked_arguments
def card_mrr(filters=None) -> str:
    """Number card: monthly recurring revenue (EUR) of paying members, all enabled accounts."""
    require_role(VIEW_ROLES)
    return overview_cards.mrr_card(every_account_metrics()).html()


@frappe.whitelist()
@checked_arguments
def card_keys_due_for_rotation(filters=None) -> dict | str:
    """Number card: how many accounts' API keys are older than their `api_key_rotation_days`; a click
    opens those Mollie Settings records."""
    require_role(VIEW_ROLES)
    from verenigingen.verenigingen_payments.frappe_integration.security.jobs import keys_due_for_rotation

    if not frappe.db.count(SETTINGS_DOCTYPE):
        return DeskCard(NO_ACCOUNT).html()
    due = keys_due_for_rotation()
    return {"value": len(due), "fieldtype": "Int", "route": ["List", SETTINGS_DOCTYPE],
            "route_options": {"name": ["in", due]} if due else {}}
