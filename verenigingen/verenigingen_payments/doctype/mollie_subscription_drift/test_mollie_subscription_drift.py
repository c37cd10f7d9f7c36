"""Mollie Subscription Drift through the site's store: reported once per field, resolved by a
choice, reopened only when Mollie's value changes again."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import FrappeSubscriptionStore
from verenigingen.verenigingen_payments.subscriptions.records import DriftReport

ACCOUNT = "_Test Drift"
NOW = datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)


def report(mollie_value="EUR 15.00") -> DriftReport:
    return DriftReport(ACCOUNT, "sub_drift1", "amount", "EUR 12.50", mollie_value, "M-1", 1)


class TestMollieSubscriptionDrift(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_reported_resolved_kept_resolved_and_reopened_on_a_new_value(self):
        store = FrappeSubscriptionStore()
        store.record_drift(report(), NOW)
        store.record_drift(report(), NOW + timedelta(hours=6))
        [open_report] = store.open_drift(ACCOUNT)
        self.assertEqual(
            (open_report.field, open_report.first_seen_at, open_report.last_seen_at),
            ("amount", NOW, NOW + timedelta(hours=6)),
        )
        store.resolve_drift(ACCOUNT, "sub_drift1", "amount", "accept_mollie", NOW + timedelta(hours=7))
        store.record_drift(report(), NOW + timedelta(hours=12))  # the same difference: stays resolved
        self.assertEqual(store.open_drift(ACCOUNT), [])
        store.record_drift(report("EUR 20.00"), NOW + timedelta(hours=18))
        [reopened] = store.open_drift(ACCOUNT)
        self.assertEqual((reopened.mollie_value, reopened.resolution), ("EUR 20.00", None))
        self.assertEqual(frappe.db.count("Mollie Subscription Drift", {"account": ACCOUNT}), 1)
