"""Whitelisted endpoints behind "Connect Mollie" on Mollie Settings: start adopting the account as a
background job (one per account at a time), ask it to stop, and read where it stands.

Role check first (`Mollie Finance Manager` or `System Manager`); an account the configuration check
refuses is not started, and the answer names its problems (the job gate would refuse the job anyway).
"""

from __future__ import annotations

import frappe
from frappe import _

from verenigingen.verenigingen_payments.api.conventions import checked_arguments, require_role, resolve_settings_name
from verenigingen.verenigingen_payments.api.operations_site import refused_accounts_by_problem
from verenigingen.verenigingen_payments.frappe_integration.adoption import desk
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES

SETTINGS = "Mollie Settings"


@frappe.whitelist(methods=["POST"])
@checked_arguments
def connect(settings: str | None = None) -> dict:
    """Start adopting the account (`running` when one already runs: nothing new is started)."""
    require_role(MANAGE_ROLES)
    name = resolve_settings_name(settings)
    if not frappe.db.get_value(SETTINGS, name, "enable_backend_api"):
        frappe.throw(_("Turn on Enable Backend API for {0} first.").format(name), frappe.ValidationError,
                     _("Not ready"))
    problems = refused_accounts_by_problem().get(name)
    if problems:
        frappe.throw(_("Fix the configuration first (mollie check-config): {0}").format("; ".join(problems)),
                     frappe.ValidationError, _("Not ready"))
    return {"settings": name, **desk.start(name)}


@frappe.whitelist(methods=["POST"])
@checked_arguments
def stop(settings: str | None = None) -> dict:
    """Stop a running adoption after its current item; connecting again resumes it."""
    require_role(MANAGE_ROLES)
    name = resolve_settings_name(settings)
    return {"settings": name, **desk.request_stop(name)}


@frappe.whitelist(methods=["GET"])
@checked_arguments
def status(settings: str | None = None) -> dict:
    """Whether an adoption of the account is queued or running, and the outcome of the last one."""
    require_role(MANAGE_ROLES)
    name = resolve_settings_name(settings)
    return {"settings": name, "running": desk.is_running(name), "last": desk.last_outcome(name)}
