"""Mollie Settlement through the site's adoption store: exact amounts, a paid-out settlement updated."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.frappe_integration.adoption.account_records import FrappeAccountRecordStore
from verenigingen.verenigingen_payments.store.account_records import SETTLEMENTS, SettlementRecord

ACCOUNT = "_Test Adoption"
CREATED = datetime(2024, 3, 15, 4, 0, tzinfo=timezone.utc)


def settlement(status: str, settled_at=None) -> SettlementRecord:
    return SettlementRecord(ACCOUNT, "stl_1", "1234567.2403.01", status, Amount(Decimal("1234.56"), "EUR"), CREATED,
                            settled_at)


class TestMollieSettlement(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_a_settlement_paid_out_later_is_updated_with_its_exact_amount(self):
        store = FrappeAccountRecordStore()
        self.assertEqual(store.save_settlements([settlement("open")]), 1)
        paid = settlement("paidout", datetime(2024, 3, 16, 9, 0, tzinfo=timezone.utc))
        self.assertEqual(store.save_settlements([paid]), 0)
        self.assertEqual(store.count(ACCOUNT, SETTLEMENTS), 1)
        self.assertEqual(store.settlements(ACCOUNT), [paid])
