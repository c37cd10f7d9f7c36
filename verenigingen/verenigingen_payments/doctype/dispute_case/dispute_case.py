"""Dispute Case: one per Mollie chargeback. The workflow rules live in the framework-free
`disputes.model` (the plain suite tests them); this controller applies them to edits in the desk."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document

from verenigingen.verenigingen_payments.disputes.model import NEEDS_RESOLUTION, TRANSITIONS
from verenigingen.verenigingen_payments.disputes.reason_codes import explain_reason


class DisputeCase(Document):
    def validate(self):
        info = explain_reason(self.reason_code)
        self.reason_explanation = info.explanation
        self.suggested_action = info.suggested_action
        previous = None if self.is_new() else frappe.db.get_value(self.doctype, self.name, "status")
        if previous and previous != self.status:
            if self.status not in TRANSITIONS.get(previous, ()):
                allowed = ", ".join(sorted(TRANSITIONS.get(previous, ()))) or _("none (final)")
                frappe.throw(_("A dispute case cannot go from {0} to {1}; allowed: {2}").format(
                    previous, self.status, allowed), title=_("Status"))
            if self.status in NEEDS_RESOLUTION and not (self.resolution or "").strip():
                frappe.throw(_("Resolution is required to mark a case {0}").format(self.status), title=_("Resolution"))


def on_doctype_update():
    """The deployment guide's index: open cases by priority."""
    frappe.db.add_index("Dispute Case", ["status", "priority"], "idx_dispute_status")
