"""One discrepancy row of a Mollie Reconciliation Run; its rules live in the run's controller."""

from __future__ import annotations

from frappe.model.document import Document


class MollieReconciliationDiscrepancy(Document):
    pass
