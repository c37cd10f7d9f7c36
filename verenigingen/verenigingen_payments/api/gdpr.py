"""Whitelisted GDPR endpoints for finance managers: export everything this app holds about one Mollie
customer (and member) as an encrypted private file, open such an export, and erase the subject by
pseudonymisation. Each is audited (`gdpr_export`, `gdpr_export_opened`, `gdpr_erasure`); the work is
`frappe_integration.gdpr.service`'s."""

from __future__ import annotations

import frappe
from frappe import _

from verenigingen.verenigingen_payments.api.conventions import (
    checked_arguments,
    mollie_errors_as_http,
    require_role,
)
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES
from verenigingen.verenigingen_payments.frappe_integration.gdpr import service as gdpr_site


def _refuse(message: str, exc: type[Exception] = frappe.ValidationError) -> None:
    frappe.local.flags.disable_traceback = True
    frappe.throw(message, exc)


@frappe.whitelist(methods=["POST"])
@checked_arguments
def export_personal_data(customer_id: str, member_reference: str | None = None) -> dict:
    """Write the subject's export (encrypted private File); returns its id and what it holds."""
    require_role(MANAGE_ROLES)
    with mollie_errors_as_http(None):
        try:
            return gdpr_site.export_subject(customer_id, member_reference or None, actor=frappe.session.user)
        except ValueError as exc:
            _refuse(str(exc))


@frappe.whitelist(methods=["GET", "POST"])
@checked_arguments
def download_personal_data_export(export_id: str) -> dict:
    """The decrypted export bundle (JSON), for handing to the data subject."""
    require_role(MANAGE_ROLES)
    with mollie_errors_as_http(None):
        try:
            return gdpr_site.open_export(export_id, actor=frappe.session.user)
        except ValueError as exc:
            _refuse(str(exc))


@frappe.whitelist(methods=["POST"])
@checked_arguments
def erase_personal_data(customer_id: str, member_reference: str | None = None, force: int | str = 0) -> dict:
    """Pseudonymise the subject in every row of this app; refused (417) while a subscription still runs
    unless `force=1`."""
    require_role(MANAGE_ROLES)
    with mollie_errors_as_http(None):
        try:
            return gdpr_site.erase_subject(customer_id, member_reference or None, actor=frappe.session.user,
                                           force=frappe.utils.cint(force) == 1)
        except gdpr_site.ErasureRefused as exc:
            _refuse(_("Erasure refused: {0}").format(str(exc)))
        except ValueError as exc:
            _refuse(str(exc))
