"""Mollie Audit Chain Head: one row per audit chain, locked (`SELECT … FOR UPDATE`) by every append.

Maintained only by `frappe_integration.security.audit_store` with SQL inside the appending transaction;
nobody edits it through the ORM. The verifier compares it with the stored entries, so deleting
the newest entries is detected too.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document


class MollieAuditChainHead(Document):
    def validate(self):
        frappe.throw(_("Audit chain heads are maintained by the audit trail only."), frappe.PermissionError)

    def on_trash(self):
        frappe.throw(_("Audit chain heads cannot be deleted."), frappe.PermissionError)
