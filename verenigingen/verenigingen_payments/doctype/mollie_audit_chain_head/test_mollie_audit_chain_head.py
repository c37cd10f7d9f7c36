"""Mollie Audit Chain Head: kept by the audit trail only; the ORM refuses edits and deletes."""

from __future__ import annotations

import uuid

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.core.security.audit import AuditTrail
from verenigingen.verenigingen_payments.frappe_integration.security import seams as security_seams
from verenigingen.verenigingen_payments.frappe_integration.security.audit_store import FrappeAuditLogStore


class TestMollieAuditChainHead(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_the_head_follows_appends_and_refuses_orm_changes(self):
        chain = f"_test-{uuid.uuid4().hex[:10]}"
        trail = AuditTrail(FrappeAuditLogStore(), security_seams.audit_keys(), chain_id=chain)
        entry = trail.record("settings_changed")
        head = frappe.get_doc("Mollie Audit Chain Head", chain)
        self.assertEqual((head.last_sequence, head.last_entry_hash), (1, entry.entry_hash))
        head.last_sequence = 0
        self.assertRaises(frappe.PermissionError, head.save, ignore_permissions=True)
        self.assertRaises(frappe.PermissionError, frappe.delete_doc, "Mollie Audit Chain Head", chain,
                          ignore_permissions=True)
