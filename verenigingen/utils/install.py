"""Install and migrate steps: the app's roles exist with desk access, whatever synced first."""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.frappe_integration.common.roles import APP_ROLES


def ensure_roles() -> None:
    """Create missing roles only, so a second migrate changes nothing."""
    for role in APP_ROLES:
        if not frappe.db.exists("Role", role):
            frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
                ignore_permissions=True
            )


def after_install() -> None:
    ensure_roles()


def after_migrate() -> None:
    ensure_roles()
    check_mollie_configuration()


def check_mollie_configuration() -> None:
    """Fail the migrate with every problem named when a live account is half-configured."""
    from verenigingen.verenigingen_payments.api.operations_site import config_problems
    from verenigingen.verenigingen_payments.core.errors import ConfigurationError

    problems = config_problems()
    if problems:
        raise ConfigurationError("Mollie configuration is not safe to run: " + "; ".join(map(str, problems)))
