"""One row of an account's per-reason-code collections policy (Mollie Settings, Collections section);
checked with the record (`collection.account_settings`)."""

from __future__ import annotations

from frappe.model.document import Document


class MollieCollectionPolicy(Document):
    pass
