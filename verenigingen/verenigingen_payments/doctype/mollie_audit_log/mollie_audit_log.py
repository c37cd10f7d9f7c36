"""Mollie Audit Log: append-only. Entries are written only by the audit trail's store
(`frappe_integration.security.audit_store`); any later update, rename or delete is refused here, and a change
made around the ORM (SQL) is caught by the hash-chain verifier (`bench --site S mollie verify-audit`).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document

APPEND_FLAG = "mollie_audit_appending"
EVENT_INDEX = "idx_audit_event"  # the deployment guide's name for (event_type, created)
CHAIN_UNIQUE = "unique_audit_chain_sequence"


class AppendOnlyError(frappe.PermissionError):
    """An attempt to change or remove a sealed audit entry."""


def _refuse(message: str) -> None:
    frappe.throw(message, AppendOnlyError, title=_("Mollie Audit Log is append-only"))


class MollieAuditLog(Document):
    def before_insert(self):
        if not frappe.local.flags.get(APPEND_FLAG):
            _refuse(_("Mollie Audit Log entries are written only by the audit trail."))

    def validate(self):
        if not self.is_new():
            _refuse(_("Audit entry {0} is sealed and cannot be changed.").format(self.sequence))

    def before_rename(self, old, new, merge=False):
        _refuse(_("Audit entries cannot be renamed."))

    def on_trash(self):
        _refuse(_("Audit entry {0} is sealed and cannot be deleted.").format(self.sequence))

    def db_set(self, *args, **kwargs):
        _refuse(_("Audit entry {0} is sealed and cannot be changed.").format(self.sequence))


def on_doctype_update():
    """Frappe calls this after syncing the DocType: the guide's index and the no-fork constraint."""
    frappe.db.add_index("Mollie Audit Log", ["event_type", "created"], EVENT_INDEX)
    frappe.db.add_unique("Mollie Audit Log", ["chain_id", "sequence"], CHAIN_UNIQUE)
