"""Discrepancy rows in the desk: a Mollie Finance Manager resolves one by ticking it and writing a
note (stamped and audited); nothing else of a run can be changed, and a resolution stays."""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.doctype.mollie_reconciliation_run.test_mollie_reconciliation_run import (
    RUN,
    ReconciliationTestCase,
    finding,
    settings,
    user_with,
)
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.resolution import (
    ReconciliationRecordError,
)
from verenigingen.verenigingen_payments.frappe_integration.testing import remove_test_users

# Frappe would otherwise make its User test records (test@example.com …, some System Managers) for
# the Link to User, and leave them on the site.
test_ignore = ["User"]


class TestResolvingInTheDesk(ReconciliationTestCase):
    def setUp(self):
        super().setUp()
        settings(self.account, enable_audit_trail=1)
        self.run = self.run_once([finding(1), finding(2)])
        frappe.set_user(user_with("Mollie Finance Manager"))

    def doc(self):
        return frappe.get_doc(RUN, self.run.run_id)

    def test_a_manager_resolves_a_row_with_a_note(self):
        doc = self.doc()
        doc.discrepancies[0].resolved = 1
        doc.discrepancies[0].resolution_note = "Chargeback won; Mollie reverses it next settlement."
        doc.save()
        row = self.doc().discrepancies[0]
        self.assertEqual((row.resolved, row.resolved_by), (1, frappe.session.user))
        self.assertTrue(row.resolved_at)
        self.assertEqual(self.doc().open_discrepancy_count, 1)
        frappe.set_user("Administrator")
        self.assertEqual(frappe.db.count("Mollie Audit Log", {"event_type": "reconciliation_discrepancy_resolved",
                                                              "resource_id": self.run.run_id}), 1)

    def test_resolving_needs_a_note_and_stays(self):
        doc = self.doc()
        doc.discrepancies[0].resolved = 1
        with self.assertRaises(ReconciliationRecordError):
            doc.save()
        doc = self.doc()
        doc.discrepancies[0].resolved = 1
        doc.discrepancies[0].resolution_note = "Explained."
        doc.save()
        doc = self.doc()
        doc.discrepancies[0].resolved = 0
        with self.assertRaises(ReconciliationRecordError):
            doc.save()

    def test_recorded_values_cannot_be_edited(self):
        doc = self.doc()
        doc.discrepancies[1].amount = 0
        with self.assertRaises(ReconciliationRecordError):
            doc.save()
        doc = self.doc()
        doc.status = "failed"
        with self.assertRaises(ReconciliationRecordError):
            doc.save()
        doc = self.doc()
        doc.discrepancies.pop()
        with self.assertRaises(ReconciliationRecordError):
            doc.save()

    def test_a_viewer_cannot_resolve(self):
        frappe.set_user(user_with("Mollie Finance Viewer"))
        doc = self.doc()
        doc.discrepancies[0].resolved = 1
        doc.discrepancies[0].resolution_note = "Looks fine to me."
        with self.assertRaises(frappe.PermissionError):
            doc.save()

    def test_runs_are_not_created_by_hand(self):
        frappe.set_user("Administrator")
        with self.assertRaises(ReconciliationRecordError):
            frappe.get_doc({"doctype": RUN, "account": self.account, "period_from": "2025-02-01",
                            "period_until": "2025-02-02", "status": "running"}).insert()


tearDownModule = remove_test_users
