"""Mollie Bank Statement Line: one booked line, named by account and entry reference."""

from __future__ import annotations

from frappe.model.document import Document

from verenigingen.verenigingen_payments.frappe_integration.bank.stores import line_name


class MollieBankStatementLine(Document):
    def autoname(self):
        self.name = line_name(self.iban, self.entry_ref)
