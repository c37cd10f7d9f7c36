"""Dispute Evidence in a real site: the details are sealed at rest when encryption is on and open
again for a reader of the form."""

from __future__ import annotations

import base64

import frappe

from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import (
    ACCOUNT,
    MANAGER,
    DisputeSiteCase,
)
from verenigingen.verenigingen_payments.frappe_integration.testing import site_conf

# Frappe would otherwise make its User test records (test@example.com …, some System Managers) for
# the Link to User, and leave them on the site.
test_ignore = ["User"]

KEYS = "t1:" + base64.b64encode(b"e" * 32).decode()


class TestDisputeEvidence(DisputeSiteCase):
    def test_contact_log_is_sealed_at_rest_and_opened_on_load(self):
        with site_conf(verenigingen_encryption_keys=KEYS, verenigingen_encryption_keys_current=None):
            service = self.synced()
            case = service.store.list_cases(ACCOUNT)[0]
            doc = frappe.get_doc({"doctype": "Dispute Evidence", "dispute_case": case.case_id, "kind": "contact",
                                  "contact_channel": "phone", "summary": "Phoned member",
                                  "body": "New IBAN NL91ABNA0417164300"}).insert()
            stored = frappe.db.get_value("Dispute Evidence", doc.name, "body")
            self.assertTrue(stored.startswith("aesgcm1:"))
            self.assertNotIn("NL91", stored)
            loaded = frappe.get_doc("Dispute Evidence", doc.name)
            loaded.run_method("onload")
            self.assertEqual(loaded.body, "New IBAN NL91ABNA0417164300")

    def test_file_evidence_needs_a_file(self):
        service = self.synced()
        case = service.store.list_cases(ACCOUNT)[0]
        with self.assertRaises(frappe.ValidationError):
            frappe.get_doc({"doctype": "Dispute Evidence", "dispute_case": case.case_id, "kind": "file",
                            "summary": "Bank letter"}).insert()
        self.assertTrue(MANAGER.can_manage)
