"""Whitelisted dispute actions for finance managers (the desk form covers status, assignee, notes).

`request_recovery_payment` creates the member's one-off payment request for a case through the
clients, with an Idempotency-Key derived from the case (a repeated click or a retry after a
timeout returns the same payment), and moves the case to awaiting-member.
"""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.api.conventions import (
    checked_arguments,
    mollie_errors_as_http,
    require_role,
)
from verenigingen.verenigingen_payments.disputes import Actor, DisputeError
from verenigingen.verenigingen_payments.disputes.recovery import RecoveryService
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES
from verenigingen.verenigingen_payments.frappe_integration.disputes.jobs import dispute_service


@frappe.whitelist(methods=["POST"])
@checked_arguments
def request_recovery_payment(case: str, redirect_url: str, method: str | None = None) -> dict:
    require_role(MANAGE_ROLES)
    settings_name = frappe.db.get_value("Dispute Case", case, "settings_name")
    if not settings_name:
        frappe.throw(f"There is no Dispute Case {case!r}.", frappe.DoesNotExistError)
    actor = Actor(frappe.session.user, frozenset(frappe.get_roles()))
    with mollie_errors_as_http(settings_name):
        try:
            updated, payment = RecoveryService(dispute_service(settings_name), settings_name).request_payment(
                case, actor, redirect_url=redirect_url, method=method)
        except DisputeError as exc:
            frappe.throw(str(exc), title="Dispute Case")
    return {"case": updated.case_id, "status": updated.status, "payment_id": payment.id,
            "payment_status": str(payment.status.value), "checkout_url": payment.link("checkout"),
            "amount": payment.amount.to_mollie()}
