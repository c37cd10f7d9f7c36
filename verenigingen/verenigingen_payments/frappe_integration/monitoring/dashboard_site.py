"""The dashboard figures of the site's accounts: one account's (`DashboardMetrics` over the DocTypes,
cached in the site's Redis) and every enabled account's, where an account that cannot be read at all
(e.g. its settings are refused) is kept with its error instead of being dropped from the totals."""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.core.errors import MollieError
from verenigingen.verenigingen_payments.frappe_integration.monitoring.dashboard_figures import (
    FrappeLocalFigures,
)
from verenigingen.verenigingen_payments.monitoring.dashboard_metrics import DashboardMetrics
from verenigingen.verenigingen_payments.monitoring.dashboard_totals import unreadable

SETTINGS = "Mollie Settings"


def enabled_accounts() -> list[str]:
    return frappe.get_all(SETTINGS, filters={"enable_backend_api": 1}, pluck="name", order_by="name")


def account_metrics(name: str, *, refresh: bool = False) -> dict:
    """One account's figures; raises the clients' `MollieError` when its settings cannot be used."""
    dashboard = DashboardMetrics(name, figures=FrappeLocalFigures(), redis_url=frappe.conf.get("redis_cache"),
                                 key_prefix=f"{frappe.local.site}:verenigingen:")
    if refresh:
        dashboard.invalidate()
    return dashboard.get()


def every_account_metrics() -> dict[str, dict]:
    """The figures of every enabled account, by name; an unreadable account keeps its error."""
    out = {}
    for name in enabled_accounts():
        try:
            out[name] = account_metrics(name)
        except MollieError as exc:
            out[name] = unreadable(name, exc)
    return out
