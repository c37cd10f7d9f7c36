"""The finance dashboard endpoint: `get_dashboard_metrics` (viewers), also at the short route
`/api/method/get_dashboard_metrics` (hooks.py, `override_whitelisted_methods`), as the deployment
guide's load test calls it. Figures come from `monitoring.dashboard_metrics`, cached in the site's
Redis for a minute so the endpoint stays fast under load."""

from __future__ import annotations

from decimal import Decimal

import frappe

from verenigingen.verenigingen_payments.api.conventions import (
    mollie_errors_as_http,
    require_role,
    resolve_settings_name,
)
from verenigingen.verenigingen_payments.api.dashboard_figures import FrappeLocalFigures
from verenigingen.verenigingen_payments.frappe_integration.roles import VIEW_ROLES
from verenigingen.verenigingen_payments.monitoring.dashboard_metrics import DashboardMetrics


def _metrics(settings: str | None, refresh: bool = False) -> dict:
    name = resolve_settings_name(settings)
    with mollie_errors_as_http(name):
        dashboard = DashboardMetrics(name, figures=FrappeLocalFigures(), redis_url=frappe.conf.get("redis_cache"),
                                     key_prefix=f"{frappe.local.site}:verenigingen:")
        if refresh:
            dashboard.invalidate()
        return dashboard.get()


@frappe.whitelist(methods=["GET", "POST"])
def get_dashboard_metrics(settings: str | None = None, refresh: int | str | None = None) -> dict:
    """Balances, next settlement, 30/90-day volume, fees and fee rate, refunds, chargebacks, open
    disputes and the last reconciliation run of one account; money as exact strings."""
    require_role(VIEW_ROLES)
    return _metrics(settings, bool(frappe.utils.cint(refresh)))


def _money_card(value: str | None, currency: str = "EUR") -> str:
    """A Number Card answer as finished text: Frappe shows a string as is, whereas a number would be
    shortened and formatted in the site's default currency."""
    return f"{currency} {Decimal(value or '0.00'):,}"


def _eur(section: dict | None, *path: str) -> str | None:
    node = section or {}
    for key in path:
        node = (node or {}).get(key) if isinstance(node, dict) else None
    return node


@frappe.whitelist()
def card_available_balance(filters=None) -> str:
    """Number card: available EUR balance of the account (the only enabled one)."""
    require_role(VIEW_ROLES)
    balances = _metrics(None).get("balances") or []
    eur = next((b for b in balances if b["currency"] == "EUR"), None)
    return _money_card(eur["available"]["value"] if eur else None)


@frappe.whitelist()
def card_volume_30d(filters=None) -> str:
    """Number card: paid volume (EUR) of the last 30 days from the local ledger."""
    require_role(VIEW_ROLES)
    return _money_card(_eur(_metrics(None).get("volume"), "30d", "EUR", "amount", "value"))


@frappe.whitelist()
def card_fee_rate_30d(filters=None) -> str:
    """Number card: Mollie fees as a percentage of the last 30 days' payments."""
    require_role(VIEW_ROLES)
    rate = _eur(_metrics(None).get("fees"), "30d", "EUR", "fee_rate")
    return "n/a" if rate is None else f"{Decimal(rate) * 100:.2f}%"
