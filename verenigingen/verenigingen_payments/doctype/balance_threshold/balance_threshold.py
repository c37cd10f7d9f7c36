"""Balance Threshold: validated by the framework-free `monitoring.thresholds.BalanceThreshold`."""

from __future__ import annotations

import re

import frappe
from frappe.model.document import Document

from verenigingen.verenigingen_payments.frappe_integration.monitoring.thresholds import to_threshold
from verenigingen.verenigingen_payments.monitoring.thresholds import ThresholdError


class BalanceThreshold(Document):
    def validate(self):
        try:
            to_threshold(self)
        except ThresholdError as exc:
            frappe.throw(str(exc), title="Balance Threshold")
        for address in filter(None, re.split(r"[,;\s]+", self.recipients or "")):
            if not frappe.utils.validate_email_address(address):
                frappe.throw(f"recipients: {address!r} is not an e-mail address", title="Balance Threshold")


def on_doctype_update():
    """The deployment guide's index."""
    frappe.db.add_index("Balance Threshold", ["balance_id", "active"], "idx_balance_threshold")
