"""Whitelisted endpoints of collections: the two workspace number cards (viewers). Each follows
`api.conventions`: arguments checked against their declared limits (core/endpoint_arguments.py), then
the role check; a card method returns finished HTML (`monitoring.desk_cards`). The per-month figures are
also in `get_dashboard_metrics` under `collections`."""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.api.conventions import checked_arguments, require_role
from verenigingen.verenigingen_payments.frappe_integration.collections import figures
from verenigingen.verenigingen_payments.frappe_integration.common.roles import VIEW_ROLES


@frappe.whitelist()
@checked_arguments
def card_dues_at_risk(filters=None) -> str:
    """Number card: failed dues not recovered yet (every month, every account), the open cases and the
    members a reminder could not reach; a click opens the open dunning cases."""
    require_role(VIEW_ROLES)
    return figures.at_risk_card(figures.site_figures()).html()


@frappe.whitelist()
@checked_arguments
def card_dues_recovered(filters=None) -> str:
    """Number card: the latest dues month with failures, its amount recovered, recovery rate and days to
    recover; a click opens the Collections report."""
    require_role(VIEW_ROLES)
    return figures.recovered_card(figures.site_figures()).html()
