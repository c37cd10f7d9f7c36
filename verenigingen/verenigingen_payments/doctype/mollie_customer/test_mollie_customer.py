"""Mollie Customer through the site's adoption store: one record per customer, its member updated when
the register changes, never added twice."""

from __future__ import annotations

from datetime import datetime, timezone

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.frappe_integration.adoption.account_records import FrappeAccountRecordStore
from verenigingen.verenigingen_payments.store.account_records import CUSTOMERS, CustomerRecord

ACCOUNT = "_Test Adoption"
CREATED = datetime(2024, 3, 1, 8, 30, tzinfo=timezone.utc)


class TestMollieCustomer(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_a_customer_saved_again_is_one_record_with_its_new_member(self):
        store = FrappeAccountRecordStore()
        self.assertEqual(store.save_customers([CustomerRecord(ACCOUNT, "cst_1", None, None, CREATED)]), 1)
        self.assertEqual(store.save_customers([CustomerRecord(ACCOUNT, "cst_1", "LID-1", "metadata", CREATED)]), 0)
        self.assertEqual(store.count(ACCOUNT, CUSTOMERS), 1)
        self.assertEqual(frappe.db.get_value("Mollie Customer", f"{ACCOUNT}:cst_1", ["member_reference", "matched_by"]),
                         ("LID-1", "metadata"))
