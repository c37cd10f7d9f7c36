"""The finance dashboard endpoint: `get_dashboard_metrics` (viewers), also at the short route
`/api/method/get_dashboard_metrics` (hooks.py, `override_whitelisted_methods`), as the deployment
guide's load test calls it. Figures come from `monitoring.dashboard_metrics`, cached in the site's
Redis for a minute so the endpoint stays fast under load."""

from __future__ import annotations

from decimal import Decimal

import frappe

from verenigingen.verenigingen_payments.api.conventions import (
    SETTINGS_DOCTYPE,
    mollie_errors_as_http,
    require_role,
    resolve_settings_name,
)
from verenigingen.verenigingen_payments.api.dashboard_figures import FrappeLocalFigures
from verenigingen.verenigingen_payments.frappe_integration.common.roles import VIEW_ROLES
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
    disputes, the last reconciliation run and the subscription figures (counts by status, MRR,
    member movements, failed-payment rate, dues of the month) of one account; money as exact strings."""
    require_role(VIEW_ROLES)
    return _metrics(settings, bool(frappe.utils.cint(refresh)))


def _money_card(value: Decimal | None, currency: str = "EUR") -> str:
    """A Number Card answer as finished text: Frappe shows a string as is, whereas a number would be
    shortened and formatted in the site's default currency."""
    return f"{currency} {(value or Decimal('0.00')):,}"


def _eur(section: dict | None, *path: str) -> str | None:
    node = section or {}
    for key in path:
        node = (node or {}).get(key) if isinstance(node, dict) else None
    return node


def _every_account() -> list[dict]:
    """The figures of every enabled account: a site may hold several Mollie accounts, and the
    workspace cards show their EUR totals (with none enabled, the cards show zero / n/a)."""
    enabled = frappe.get_all(SETTINGS_DOCTYPE, filters={"enable_backend_api": 1}, pluck="name", order_by="name")
    return [_metrics(name) for name in enabled]


def _eur_total(values) -> Decimal | None:
    known = [Decimal(v) for v in values if v is not None]
    return sum(known, Decimal(0)) if known else None


@frappe.whitelist()
def card_available_balance(filters=None) -> str:
    """Number card: available EUR balance, summed over the enabled accounts."""
    require_role(VIEW_ROLES)
    return _money_card(_eur_total(b["available"]["value"] for m in _every_account()
                                  for b in m.get("balances") or [] if b["currency"] == "EUR"))


@frappe.whitelist()
def card_volume_30d(filters=None) -> str:
    """Number card: paid volume (EUR) of the last 30 days from the local ledger, all enabled accounts."""
    require_role(VIEW_ROLES)
    return _money_card(_eur_total(_eur(m.get("volume"), "30d", "EUR", "amount", "value") for m in _every_account()))


@frappe.whitelist()
def card_fee_rate_30d(filters=None) -> str:
    """Number card: Mollie fees as a percentage of the last 30 days' payments, all enabled accounts."""
    require_role(VIEW_ROLES)
    accounts = _every_account()
    fees = _eur_total(_eur(m.get("fees"), "30d", "EUR", "fees", "value") for m in accounts)
    payments = _eur_total(_eur(m.get("fees"), "30d", "EUR", "payments", "value") for m in accounts)
    return "n/a" if not payments else f"{fees / payments * 100:.2f}%"


@frappe.whitelist()
def card_active_members(filters=None) -> dict:
    """Number card: active membership subscriptions of the enabled accounts; a click opens them."""
    require_role(VIEW_ROLES)
    active = sum((m.get("subscriptions") or {}).get("counts", {}).get("active", 0) for m in _every_account())
    return {"value": active, "fieldtype": "Int", "route": ["List", "Mollie Subscription"],
            "route_options": {"status": "active"}}


@frappe.whitelist()
def card_mrr(filters=None) -> str:
    """Number card: monthly recurring revenue (EUR) of paying members, all enabled accounts."""
    require_role(VIEW_ROLES)
    return _money_card(_eur_total(_eur(m.get("subscriptions"), "mrr", "EUR", "total", "value")
                                  for m in _every_account()))


@frappe.whitelist()
def card_keys_due_for_rotation(filters=None) -> dict:
    """Number card: how many accounts' API keys are older than their `api_key_rotation_days`; a click
    opens those Mollie Settings records."""
    require_role(VIEW_ROLES)
    from verenigingen.verenigingen_payments.frappe_integration.security.jobs import keys_due_for_rotation

    due = keys_due_for_rotation()
    return {"value": len(due), "fieldtype": "Int", "route": ["List", SETTINGS_DOCTYPE],
            "route_options": {"name": ["in", due]} if due else {}}
