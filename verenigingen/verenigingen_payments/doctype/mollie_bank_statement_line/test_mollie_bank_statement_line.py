"""Mollie Bank Statement Line in a real site: a line is named by its account and entry reference,
so the same line cannot be stored twice."""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.frappe_integration.bank.stores import LINE, line_name


class TestMollieBankStatementLine(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def line(self, ref: str = "B250117A1B2C3D4") -> dict:
        return {"doctype": LINE, "iban": "NL20INGB0001234567", "entry_ref": ref, "booking_date": "2025-01-17",
                "value_date": "2025-01-17", "amount": "1234.56", "currency": "EUR", "remittance": "test"}

    def test_a_line_is_named_by_account_and_entry_reference_and_kept_once(self):
        doc = frappe.get_doc(self.line()).insert(ignore_permissions=True)
        self.assertEqual(doc.name, "NL20INGB0001234567:B250117A1B2C3D4")
        with self.assertRaises(frappe.DuplicateEntryError):
            frappe.get_doc(self.line()).insert(ignore_permissions=True)

    def test_a_very_long_reference_still_makes_a_valid_name(self):
        self.assertLessEqual(len(line_name("NL20INGB0001234567", "x" * 200)), 140)
