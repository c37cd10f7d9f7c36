"""Mollie Subscription Sync through the site's store: the checkpoint a stopped sync resumes from."""

from __future__ import annotations

from datetime import datetime, timezone

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import FrappeSubscriptionStore
from verenigingen.verenigingen_payments.subscriptions.records import SyncCheckpoint

ACCOUNT = "_Test Sync"
STARTED = datetime(2026, 10, 25, 0, 15, tzinfo=timezone.utc)  # 02:15 CEST, the night DST ends


class TestMollieSubscriptionSync(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_a_checkpoint_round_trips_and_is_one_row_per_account(self):
        store = FrappeSubscriptionStore()
        self.assertEqual(store.get_checkpoint(ACCOUNT), SyncCheckpoint())
        stopped = SyncCheckpoint("sub_next", STARTED, None, 250)
        store.save_checkpoint(ACCOUNT, stopped)
        self.assertEqual(store.get_checkpoint(ACCOUNT), stopped)
        done = SyncCheckpoint(None, STARTED, datetime(2026, 10, 25, 3, 0, tzinfo=timezone.utc), 300)
        store.save_checkpoint(ACCOUNT, done)
        self.assertEqual(store.get_checkpoint(ACCOUNT), done)
        self.assertEqual(frappe.db.count("Mollie Subscription Sync", {"account": ACCOUNT}), 1)
