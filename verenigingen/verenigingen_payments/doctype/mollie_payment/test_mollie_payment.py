"""Mollie Payment in a real site: the DocType-backed `PaymentLedger` keeps the SQL store's contract
(upsert by id keeping settled_in, exact money with "unknown" apart from zero, streamed windows, a
resumable sync cursor), keyed per account, and finance viewers read the ledger but cannot write it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import (
    FrappePaymentLedger,
    payment_name,
)
from verenigingen.verenigingen_payments.store.ledger import LedgerPayment, SyncCursor
from verenigingen.verenigingen_payments.frappe_integration.testing import make_test_user, remove_test_users

T0 = datetime(2025, 3, 30, 0, 30, tzinfo=timezone.utc)  # the night Amsterdam moves to summer time


def payment(pid: str, value: str = "10.00", **extra) -> LedgerPayment:
    return LedgerPayment(id=pid, amount=Amount(Decimal(value), extra.pop("currency", "EUR")),
                         status=extra.pop("status", "paid"), created_at=extra.pop("created_at", T0), **extra)


class TestFrappePaymentLedger(FrappeTestCase):
    def setUp(self):
        self.account = f"_Test Ledger {uuid.uuid4().hex[:8]}"
        self.other = f"{self.account} other"
        self.ledger = FrappePaymentLedger()

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")

    def pid(self, n: int) -> str:
        return f"tr_{self.account[-8:]}{n:04d}"

    def test_a_payment_comes_back_exactly_as_written(self):
        full = payment(self.pid(1), "1234.56", method="directdebit", sequence_type="recurring", customer_id="cst_1",
                       member_reference="M-0042", subscription_id="sub_1", mandate_id="mdt_1",
                       paid_at=T0 + timedelta(hours=2), amount_refunded=Amount(Decimal("0.00"), "EUR"),
                       amount_charged_back=Amount(Decimal("1234.56"), "EUR"), settlement_id="stl_1",
                       settlement_amount=Amount(Decimal("1234.26"), "EUR"), fees=Amount(Decimal("0.30"), "EUR"))
        bare = payment(self.pid(2), "0.01", status="open")
        yen = payment(self.pid(3), "1500", currency="JPY")
        self.assertEqual(self.ledger.upsert_payments(self.account, [full, bare, yen]), 3)
        got = self.ledger.get_payments(self.account, [self.pid(1), self.pid(2), self.pid(3), "tr_absent"])
        self.assertEqual(got[self.pid(1)], full)
        self.assertEqual(got[self.pid(2)], bare)
        self.assertIsNone(got[self.pid(2)].amount_refunded)  # unknown stays unknown, never a zero
        self.assertEqual(str(got[self.pid(3)].amount.value), "1500")
        self.assertEqual(got[self.pid(1)].created_at, T0)
        self.assertNotIn("tr_absent", got)
        self.assertEqual(frappe.db.get_value("Mollie Payment", payment_name(self.account, self.pid(1)), "payment_id"),
                         self.pid(1))

    def test_an_update_keeps_what_the_reconciliation_found_and_accounts_stay_apart(self):
        self.ledger.upsert_payments(self.account, [payment(self.pid(1), status="open")])
        self.ledger.upsert_payments(self.other, [payment(self.pid(1), "99.00")])
        self.ledger.mark_settled_in(self.account, "stl_found", [self.pid(1)])
        self.ledger.upsert_payments(self.account, [payment(self.pid(1), status="paid")])
        mine = self.ledger.get_payments(self.account, [self.pid(1)])[self.pid(1)]
        self.assertEqual((mine.status, mine.settled_in, mine.amount.value), ("paid", "stl_found", Decimal("10.00")))
        self.assertEqual(self.ledger.get_payments(self.other, [self.pid(1)])[self.pid(1)].amount.value, Decimal("99.00"))
        self.assertEqual((self.ledger.count(self.account), self.ledger.count(self.other)), (1, 1))

    def test_claimed_and_unsettled_windows_stream_past_one_chunk(self):
        claimed = [payment(self.pid(n), settlement_id="stl_a") for n in range(620)]
        paid = [payment(self.pid(1000 + n), paid_at=T0 + timedelta(minutes=n)) for n in range(10)]
        self.ledger.upsert_payments(self.account, claimed + paid)
        self.ledger.mark_settled_in(self.account, "stl_b", [self.pid(1000)])
        self.assertEqual(len(list(self.ledger.iter_claimed_by_settlement(self.account, "stl_a"))), 620)
        window = list(self.ledger.iter_unsettled_paid(self.account, T0, T0 + timedelta(minutes=5)))
        self.assertEqual([p.id for p in window], [self.pid(1000 + n) for n in range(1, 5)])
        self.assertEqual(len(list(self.ledger.iter_unsettled_paid(self.account, None, T0 + timedelta(days=1)))), 9)

    def test_the_sync_cursor_survives_and_is_per_account(self):
        self.assertEqual(self.ledger.get_sync_cursor(self.account), SyncCursor())
        cursor = SyncCursor("tr_next", T0, T0 + timedelta(hours=1), None, 250)
        self.ledger.save_sync_cursor(self.account, cursor)
        self.assertEqual(self.ledger.get_sync_cursor(self.account), cursor)
        self.assertEqual(self.ledger.get_sync_cursor(self.other), SyncCursor())

    def test_a_viewer_reads_the_ledger_but_cannot_change_it(self):
        self.ledger.upsert_payments(self.account, [payment(self.pid(1))])
        name = payment_name(self.account, self.pid(1))
        frappe.set_user(_user_with("Mollie Finance Viewer"))
        self.assertTrue(frappe.has_permission("Mollie Payment", "read", name))
        self.assertFalse(frappe.has_permission("Mollie Payment", "write", name))
        self.assertFalse(frappe.has_permission("Mollie Payment", "create"))
        frappe.set_user(_user_with("Blogger"))
        self.assertFalse(frappe.has_permission("Mollie Payment", "read", name))

    def test_an_amount_that_is_not_a_number_is_refused_by_name(self):
        doc = frappe.get_doc({"doctype": "Mollie Payment", "account": self.account, "payment_id": self.pid(9),
                              "amount": 1, "currency": "EUR", "status": "paid", "created_at": "2025-01-01 10:00:00",
                              "fees": "ten cents"})
        with self.assertRaises(frappe.ValidationError) as caught:
            doc.insert(ignore_permissions=True, ignore_links=True)
        self.assertIn("Fees", str(caught.exception))


def _user_with(role: str) -> str:
    email = f"ledger-{frappe.scrub(role).replace('_', '-')}@example.com"
    return make_test_user(email, [role], role)


tearDownModule = remove_test_users
