"""Mollie Customer: written by adoption (`frappe_integration.adoption.account_records`), named
`<account>:<customer_id>` so a second adoption finds the record it wrote."""

from __future__ import annotations

from frappe.model.document import Document


class MollieCustomer(Document):
    def autoname(self):
        self.name = f"{self.account}:{self.customer_id}"
