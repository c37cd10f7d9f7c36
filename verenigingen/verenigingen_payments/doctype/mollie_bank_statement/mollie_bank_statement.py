"""Mollie Bank Statement: written by the import (`frappe_integration/bank/stores.py`), never typed in."""

from __future__ import annotations

from frappe.model.document import Document

from verenigingen.verenigingen_payments.frappe_integration.bank.stores import statement_name


class MollieBankStatement(Document):
    def autoname(self):
        self.name = statement_name(self.iban, self.statement_id, self.from_date, self.to_date)
