"""Mollie Subscription Event through the site's store: each fact is recorded once, even when two
writers race (the digest name is the primary key)."""

from __future__ import annotations

from datetime import datetime, timezone

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.doctype.mollie_subscription_event.mollie_subscription_event import (
    event_name,
)
from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import FrappeSubscriptionStore
from verenigingen.verenigingen_payments.subscriptions.records import SubscriptionEvent

ACCOUNT = "_Test Events"
AT = datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc)  # 03:30 Amsterdam, just after the DST switch


def event(kind="new", key="tr_1") -> SubscriptionEvent:
    return SubscriptionEvent(ACCOUNT, "M-1", 1, kind, AT, f"M-1:1:{kind}:{key}", {"payment": key})


class TestMollieSubscriptionEvent(FrappeTestCase):
    def tearDown(self):
        frappe.db.rollback()

    def test_a_fact_is_recorded_once_and_read_back_with_its_instant(self):
        store = FrappeSubscriptionStore()
        self.assertTrue(store.record_event(event()))
        self.assertFalse(store.record_event(event()))
        self.assertTrue(store.has_event(ACCOUNT, "M-1:1:new:tr_1"))
        self.assertFalse(store.has_event("_Test Other", "M-1:1:new:tr_1"))
        self.assertEqual(list(store.iter_events(ACCOUNT)), [event()])

    def test_a_concurrent_writer_that_got_there_first_wins_without_an_error(self):
        store = FrappeSubscriptionStore()
        first = event("churned")
        original_exists = frappe.db.exists
        frappe.db.sql(
            "insert into `tabMollie Subscription Event` (name, account, member_reference, term, kind, at, event_key, "
            "creation, modified) values (%s, %s, 'M-1', 1, 'churned', %s, %s, now(), now())",
            (event_name(ACCOUNT, first.event_key), ACCOUNT, "2026-03-29 03:30:00", first.event_key),
        )
        try:  # the other writer's row is invisible to the existence check, as in a race
            frappe.db.exists = lambda doctype, *a, **k: (
                None if doctype == "Mollie Subscription Event" else original_exists(doctype, *a, **k)
            )
            self.assertFalse(store.record_event(first))
        finally:
            frappe.db.exists = original_exists
        self.assertEqual(frappe.db.count("Mollie Subscription Event", {"account": ACCOUNT}), 1)
