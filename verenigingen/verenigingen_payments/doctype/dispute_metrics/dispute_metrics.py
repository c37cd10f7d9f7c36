"""Dispute Metrics: a computed snapshot per account (see `disputes.metrics`)."""

from __future__ import annotations

import json

import frappe
from frappe.model.document import Document

from verenigingen.verenigingen_payments.disputes.metrics import compute_dispute_metrics


class DisputeMetrics(Document):
    pass


def record_dispute_metrics(settings_name: str) -> DisputeMetrics:
    """Compute the account's figures from its Dispute Cases and keep them as a new snapshot."""
    from verenigingen.verenigingen_payments.frappe_integration.disputes.store import FrappeDisputeStore

    metrics = compute_dispute_metrics(FrappeDisputeStore().list_cases(settings_name))
    doc = frappe.get_doc({
        "doctype": "Dispute Metrics", "settings_name": settings_name, "computed_at": frappe.utils.now_datetime(),
        "total_cases": metrics.total, "open_cases": metrics.open, "recovery_rate": metrics.recovery_rate,
        "average_days_to_resolve": metrics.average_days_to_resolve,
        "recovered_amount": json.dumps(metrics.recovered_amount), "by_status": json.dumps(metrics.by_status),
        "by_reason": json.dumps(metrics.by_reason), "repeat_members": json.dumps(metrics.repeat_members),
    })
    doc.insert(ignore_permissions=True)
    return doc
