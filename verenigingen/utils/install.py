"""Install and migrate steps: the app's roles exist with desk access, whatever synced first."""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.frappe_integration.collections.email_templates import ensure_email_templates
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
    ensure_email_templates()


def after_migrate() -> None:
    ensure_roles()
    ensure_email_templates()
    report_mollie_configuration()


def report_mollie_configuration() -> list:
    """Print what check-config would name; never fail the migrate (a schema migration must not wait on
    Mollie settings). The same problems reach check-config, readiness, the desk and the job gate."""
    from verenigingen.verenigingen_payments.api.operations_site import config_problems
    from verenigingen.verenigingen_payments.core.errors import ConfigurationError

    try:
        problems = [str(p) for p in config_problems()]
    except ConfigurationError as exc:
        problems = [exc.message]
    except Exception as exc:  # noqa: BLE001 - a report; the migrate itself already succeeded
        problems = [f"the configuration check could not run ({type(exc).__name__})"]
    if problems:
        print(f"Mollie: {len(problems)} configuration problem(s); the app's jobs skip refused accounts "
              f"until `bench --site {frappe.local.site} mollie check-config` passes:")
        for problem in problems:
            print(f"  - {problem}")
    return problems
