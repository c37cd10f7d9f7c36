"""Dispute Metrics in a real site: the snapshot equals the figures computed from the cases."""

from __future__ import annotations

import json
from decimal import Decimal

import frappe

from verenigingen.verenigingen_payments.clients import ChargebacksClient
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import ACCOUNT, MANAGER, DisputeSiteCase
from verenigingen.verenigingen_payments.doctype.dispute_metrics.dispute_metrics import record_dispute_metrics


class TestDisputeMetrics(DisputeSiteCase):
    def test_snapshot_matches_hand_counted_chargebacks(self):
        service = self.synced()
        cases = service.store.list_cases(ACCOUNT)
        service.transition(cases[0].case_id, "recovered", MANAGER)
        service.transition(cases[1].case_id, "written-off", MANAGER, resolution="small amount")
        doc = record_dispute_metrics(ACCOUNT)
        chargebacks = ChargebacksClient(ACCOUNT).list_chargebacks()
        self.assertEqual(doc.total_cases, len(chargebacks))
        self.assertEqual(doc.open_cases, len(chargebacks) - 2)
        self.assertEqual(doc.recovery_rate, "0.5000")
        by_reason = json.loads(doc.by_reason)
        self.assertEqual(sum(b["count"] for b in by_reason.values()), len(chargebacks))
        self.assertEqual(sum(Decimal(b["amount"]["EUR"]) for b in by_reason.values()),
                         sum((c.amount.value for c in chargebacks), Decimal(0)))
        self.assertTrue(frappe.db.exists("Dispute Metrics", doc.name))
