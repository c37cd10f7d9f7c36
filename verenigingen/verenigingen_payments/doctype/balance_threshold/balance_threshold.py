"""Balance Threshold: validated by the framework-free `monitoring.thresholds.BalanceThreshold`."""

from __future__ import annotations

import re
from decimal import Decimal

import frappe
from frappe.model.document import Document

from verenigingen.verenigingen_payments.monitoring.thresholds import BalanceThreshold as ThresholdRecord
from verenigingen.verenigingen_payments.monitoring.thresholds import ThresholdError


def _int(value, default: int) -> int:
    return default if value is None or value == "" else int(value)


def to_threshold(doc) -> ThresholdRecord:
    recipients = tuple(r for r in re.split(r"[,;\s]+", doc.recipients or "") if r)
    return ThresholdRecord(
        threshold_id=doc.name, settings_name=doc.settings_name, kind=doc.kind,
        amount=Decimal(str(doc.amount or 0)).quantize(Decimal("0.01")), balance_id=doc.balance_id or None,
        currency=doc.currency or None, period_hours=_int(doc.period_hours, 24),
        forecast_days=_int(doc.forecast_days, 7), active=bool(doc.active), recipients=recipients,
        cooldown_minutes=_int(doc.cooldown_minutes, 240))


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
