"""The finance dashboard endpoint: `get_dashboard_metrics` (viewers), also at the short route
`/api/method/get_dashboard_metrics` (hooks.py, `override_whitelisted_methods`), as the deployment
guide's load test calls it. Figures come from `monitoring.dashboard_metrics`, cached in the site's
Redis for a minute so the endpoint stays fast under load."""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.api.conventions import (
    mollie_errors_as_http,
    require_role,
    resolve_settings_name,
)
from verenigingen.verenigingen_payments.api.dashboard_figures import FrappeLocalFigures
from verenigingen.verenigingen_payments.frappe_integration.roles import VIEW_ROLES
from verenigingen.verenigingen_payments.monitoring.dashboard_metrics import DashboardMetrics


@frappe.whitelist(methods=["GET", "POST"])
def get_dashboard_metrics(settings: str | None = None, refresh: int | str | None = None) -> dict:
    """Balances, next settlement, 30/90-day volume, fees and fee rate, refunds, chargebacks, open
    disputes and the last reconciliation run of one account; money as exact strings."""
    require_role(VIEW_ROLES)
    name = resolve_settings_name(settings)
    with mollie_errors_as_http(name):
        dashboard = DashboardMetrics(name, figures=FrappeLocalFigures(), redis_url=frappe.conf.get("redis_cache"),
                                     key_prefix=f"{frappe.local.site}:verenigingen:")
        if frappe.utils.cint(refresh):
            dashboard.invalidate()
        return dashboard.get()
