"""Mollie Subscription Payment through the site's store: one row per payment id, exact money."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import FrappeSubscriptionStore
from verenigingen.verenigingen_payments.subscriptions.records import SubscriptionPayment

ACCOUNT = "_Test Payments"


def payment(status="paid", **changes) -> SubscriptionPayment:
    values = {
        "account": ACCOUNT,
        "payment_id": "tr_test1",
        "subscription_id": "sub_test1",
        "member_reference": "M-1",
        "term": 1,
        "amount": Amount(Decimal("12.34"), "EUR"),
        "status": status,
        "due_date": date(2026, 3, 1),
        "created_at": datetime(2026, 2, 28, 23, 30, tzinfo=timezone.utc),
        "paid_at": datetime(2026, 3, 1, 7, 0, tzinfo=timezone.utc),
    }
    values.update(changes)
    return SubscriptionPayment(**values)


class TestMollieSubscriptionPayment(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_a_payment_seen_twice_is_one_row_with_its_latest_state_and_exact_amounts(self):
        store = FrappeSubscriptionStore()
        store.upsert_payment(payment())
        charged_back = payment("charged_back", amount_charged_back=Amount(Decimal("12.34"), "EUR"))
        store.upsert_payment(charged_back)
        self.assertEqual(frappe.db.count("Mollie Subscription Payment", {"account": ACCOUNT}), 1)
        self.assertEqual(list(store.iter_payments(ACCOUNT)), [charged_back])
        self.assertEqual(
            frappe.db.get_value("Mollie Subscription Payment", f"{ACCOUNT}:tr_test1", "subscription"),
            f"{ACCOUNT}:M-1:1",
        )

    def test_an_amount_a_currency_column_cannot_hold_exactly_is_refused(self):
        store = FrappeSubscriptionStore()
        with self.assertRaises(ValueError):
            store.upsert_payment(payment(amount=Amount(Decimal("0.0000000001"), "EUR")))
        self.assertFalse(frappe.db.count("Mollie Subscription Payment", {"account": ACCOUNT}))
