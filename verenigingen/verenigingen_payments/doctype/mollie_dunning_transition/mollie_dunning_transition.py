"""One move of a Mollie Dunning Case (from, to, cause, at); written by the collections job only."""

from __future__ import annotations

from frappe.model.document import Document


class MollieDunningTransition(Document):
    pass
