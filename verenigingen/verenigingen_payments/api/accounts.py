"""Whitelisted endpoints about Mollie accounts: connection test and balances.

Each follows `api.conventions`: role check first, typed client errors turned into clear HTTP errors,
JSON-able dicts out. `/api/method/get_account_balance` is a short route to `get_account_balance`
(hooks.py, `override_whitelisted_methods`).
"""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.api.conventions import (
    checked_arguments,
    mollie_errors_as_http,
    require_role,
    resolve_settings_name,
)
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES, VIEW_ROLES
from verenigingen.verenigingen_payments.frappe_integration.monitoring.balance_view import fetch_balances
from verenigingen.verenigingen_payments.frappe_integration.settings.account_status import run_and_record_check


@frappe.whitelist(methods=["POST"])
@checked_arguments
def test_connection(settings: str | None = None) -> dict:
    """Which credentials of the account work and what each can reach; records the outcome."""
    require_role(MANAGE_ROLES)
    name = resolve_settings_name(settings)
    with mollie_errors_as_http(name):
        return run_and_record_check(name).as_dict()


@frappe.whitelist(methods=["GET", "POST"])
@checked_arguments
def get_account_balance(settings: str | None = None) -> dict:
    """The account's Mollie balances; amounts are exact decimal strings with their currency."""
    require_role(VIEW_ROLES)
    name = resolve_settings_name(settings)
    with mollie_errors_as_http(name):
        balances = fetch_balances(name)
    return {"settings": name, "balances": balances}
