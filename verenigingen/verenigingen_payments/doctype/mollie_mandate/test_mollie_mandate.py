"""Mollie Mandate through the site's adoption store: the status follows Mollie's, the IBAN stays masked."""

from __future__ import annotations

from datetime import date, datetime, timezone

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.frappe_integration.adoption.account_records import FrappeAccountRecordStore
from verenigingen.verenigingen_payments.store.account_records import MANDATES, MandateRecord

ACCOUNT = "_Test Adoption"


def mandate(status: str) -> MandateRecord:
    return MandateRecord(ACCOUNT, "mdt_1", "cst_1", status, "directdebit", "NL****4300", "REF-1", date(2024, 3, 1),
                         datetime(2024, 3, 1, 8, 30, tzinfo=timezone.utc))


class TestMollieMandate(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_a_revoked_mandate_is_updated_not_added_and_reads_back_as_saved(self):
        store = FrappeAccountRecordStore()
        self.assertEqual(store.save_mandates([mandate("valid")]), 1)
        self.assertEqual(store.save_mandates([mandate("invalid")]), 0)
        self.assertEqual(store.count(ACCOUNT, MANDATES), 1)
        self.assertEqual(store.mandates(ACCOUNT), [mandate("invalid")])
