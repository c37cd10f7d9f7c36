"""Mollie Reconciliation Run in a real site: the DocType-backed `ReconciliationStore` (same-day rerun
replaces, resolved stays resolved, checkpoints resume), the engine against the Mollie emulator
writing these records with every planted discrepancy found, the scheduler layer (due accounts,
one queued job and one run per account), and the endpoints' roles."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import reconciliation as api
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.frappe_integration.reconciliation import jobs
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import (
    FrappeReconciliationStore,
    run_name,
)
from verenigingen.verenigingen_payments.frappe_integration.testing import allow_emulator_base_url
from verenigingen.verenigingen_payments.sandbox import MollieEmulator
from verenigingen.verenigingen_payments.store.reconciliation_runs import (
    COMPLETED,
    FAILED,
    OPEN,
    RESOLVED,
    RUNNING,
)
from verenigingen.verenigingen_payments.workflows.reconciliation.discrepancy import Discrepancy
from verenigingen.verenigingen_payments.workflows.reconciliation.scoring import score
from verenigingen.verenigingen_payments.frappe_integration.testing import make_test_user, remove_test_users

RUN = "Mollie Reconciliation Run"
DAY = date(2025, 1, 15)
NEXT = DAY + timedelta(days=1)
T0 = datetime(2025, 1, 16, 1, 0, tzinfo=timezone.utc)
PLANTED_KINDS = {
    "settlement_lines_mismatch", "payment_missing_from_settlement", "duplicate_balance_transaction",
    "refund_without_payment", "unexplained_balance_movement", "chargeback_after_settlement",
}

# Frappe would otherwise make its User test records (test@example.com …, some System Managers) for
# the Link to User, and leave them on the site.
test_ignore = ["User"]


def finding(n: int, value: str = "-12.50", scope: str = "stl_test") -> Discrepancy:
    return Discrepancy("amount_mismatch", Amount(Decimal(value), "EUR"), (f"tr_{n}",), scope,
                       {"ledger": "10.00", "mollie": value}, "Compare the payment with Mollie's dashboard.")


def user_with(role: str) -> str:
    email = f"reconcile-{frappe.scrub(role).replace('_', '-')}@example.com"
    return make_test_user(email, [role], role)


def settings(name: str, **values) -> None:
    frappe.get_doc({"doctype": "Mollie Settings", "gateway_name": name, "secret_key": "test_" + "k" * 30,
                    "profile_id": "pfl_Test12345", "enable_backend_api": 1, **values}).insert()


class ReconciliationTestCase(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        allow_emulator_base_url(cls)

    def setUp(self):
        self.account = f"_Test Reconcile {uuid.uuid4().hex[:8]}"
        self.store = FrappeReconciliationStore()

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")

    def run_once(self, findings, now=T0, status=COMPLETED):
        run = self.store.start_run(self.account, DAY, NEXT, now)
        self.store.record_discrepancies(self.account, run.run_id, findings, now)
        return self.store.finish_run(run.run_id, status, now + timedelta(seconds=3), settlements_checked=1,
                                     totals={"settlements": [{"id": "stl_test", "adds_up": False}]})


class TestReconciliationStore(ReconciliationTestCase):
    def test_a_same_day_rerun_replaces_its_findings_instead_of_adding(self):
        first = self.run_once([finding(1), finding(2)])
        self.assertEqual((first.run_id, first.status, first.discrepancy_count), (run_name(self.account, DAY, NEXT),
                                                                                 COMPLETED, 2))
        second = self.run_once([finding(2, "-13.00"), finding(3)], now=T0 + timedelta(hours=1))
        self.assertEqual(second.run_id, first.run_id)
        self.assertEqual(frappe.db.count(RUN, {"account": self.account}), 1)
        found = {d.ids[0]: d for d in self.store.list_discrepancies(self.account)}
        self.assertEqual(set(found), {"tr_2", "tr_3"})
        self.assertEqual(found["tr_2"].amount, "-13.00")
        self.assertEqual(found["tr_2"].first_seen_at, T0)
        doc = frappe.get_doc(RUN, first.run_id)
        self.assertEqual((doc.discrepancy_count, doc.open_discrepancy_count, len(doc.discrepancies)), (2, 2, 2))
        self.assertEqual(second.duration_ms, 3000)

    def test_a_resolved_discrepancy_stays_resolved_when_found_again(self):
        run = self.run_once([finding(1), finding(2)])
        identity = finding(1).identity
        self.store.resolve(self.account, identity, "finance@example.com", "Refund booked by hand.", T0)
        self.run_once([finding(1), finding(2)], now=T0 + timedelta(days=1))
        self.run_once([finding(2)], now=T0 + timedelta(days=2))  # a rerun that no longer sees it keeps it too
        by_id = {d.identity: d for d in self.store.list_discrepancies(self.account)}
        self.assertEqual(by_id[identity].status, RESOLVED)
        self.assertEqual(by_id[identity].resolution_note, "Refund booked by hand.")
        self.assertEqual(by_id[finding(2).identity].status, OPEN)
        self.assertEqual(frappe.db.get_value(RUN, run.run_id, "open_discrepancy_count"), 1)
        with self.assertRaises(ValueError):
            self.store.resolve(self.account, finding(2).identity, "x", "  ", T0)

    def test_an_interrupted_run_resumes_from_its_checkpoint_and_a_finished_one_restarts(self):
        run = self.store.start_run(self.account, DAY, NEXT, T0)
        self.store.save_checkpoint(run.run_id, {"ledger_synced": True, "settlements_done": ["stl_1"]})
        self.store.finish_run(run.run_id, FAILED, T0, error="ServerError: 503")
        again = self.store.start_run(self.account, DAY, NEXT, T0 + timedelta(minutes=5))
        self.assertEqual((again.run_id, again.status), (run.run_id, RUNNING))
        self.assertEqual(again.checkpoint, {"ledger_synced": True, "settlements_done": ["stl_1"]})
        self.assertTrue(again.resumed)
        self.store.finish_run(run.run_id, COMPLETED, T0 + timedelta(minutes=6))
        fresh = self.store.start_run(self.account, DAY, NEXT, T0 + timedelta(hours=1))
        self.assertEqual((fresh.checkpoint, fresh.started_at), ({}, T0 + timedelta(hours=1)))

    def test_a_discrepancy_found_by_a_later_period_moves_to_that_run(self):
        self.run_once([finding(1)])
        later = self.store.start_run(self.account, NEXT, NEXT + timedelta(days=1), T0 + timedelta(days=1))
        self.store.record_discrepancies(self.account, later.run_id, [finding(1)], T0 + timedelta(days=1))
        self.store.finish_run(later.run_id, COMPLETED, T0 + timedelta(days=1))
        found = self.store.list_discrepancies(self.account)
        self.assertEqual([(d.run_id, d.first_seen_at) for d in found], [(later.run_id, T0)])


class TestEngineInsideTheSite(ReconciliationTestCase):
    def test_the_engine_writes_these_records_and_finds_every_planted_discrepancy(self):
        with MollieEmulator("association-small", seed=1) as emu:
            settings(self.account, secret_key=emu.api_key, organization_access_token=emu.organization_token,
                     api_base_url=emu.base_url, retry_max_attempts=1, reconciliation_tolerance=0.01)
            run = jobs.reconcile_now(self.account, date(2024, 12, 1), date(2025, 4, 1))
            truth = emu.control.ground_truth()
        self.assertEqual((run.status, run.settlements_checked), (COMPLETED, 5))
        found = self.store.list_discrepancies(self.account, run_id=run.run_id)
        scores = score([(f.kind, f.ids) for f in found], truth)
        self.assertEqual({k: (s.precision, s.recall) for k, s in scores.items()},
                         {k: (1.0, 1.0) for k in PLANTED_KINDS})
        self.assertEqual(Counter(f.kind for f in found), Counter(t["kind"] for t in truth))
        self.assertGreater(frappe.db.count("Mollie Payment", {"account": self.account}), 700)
        doc = frappe.get_doc(RUN, run.run_id)
        self.assertEqual(len(doc.discrepancies), len(found))
        self.assertTrue(all(row.evidence and row.suggested_action for row in doc.discrepancies))

        from verenigingen.verenigingen_payments.report.settlement_reconciliation.settlement_reconciliation import (
            execute,
        )

        _columns, rows, *_ = execute({"account": self.account})
        self.assertEqual(len(rows), 5)
        self.assertEqual(sum(1 for r in rows if not r["adds_up"]), 1)
        odd = next(r for r in rows if not r["adds_up"])
        self.assertEqual(odd["difference"], Decimal(next(
            t for t in truth if t["kind"] == "settlement_lines_mismatch")["amount"]["value"]))


class TestMolliesRealFlowsInsideTheSite(ReconciliationTestCase):
    """Mollie's real flows (holds and pending funds, failed direct debits, returned refunds, chargeback
    reversals, returned payouts paid again, invoice compensation, manual captures, a GBP balance) on the
    DocType stores, with the clock at the emulator's today so that the period reaches the open settlement."""

    def reconcile(self, emu: MollieEmulator):
        from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import frappe_stores
        from verenigingen.verenigingen_payments.workflows.reconciliation_engine import Period, reconcile_account

        settings(self.account, secret_key=emu.api_key, organization_access_token=emu.organization_token,
                 api_base_url=emu.base_url, retry_max_attempts=1, reconciliation_tolerance=0.01)
        now = datetime.fromisoformat(emu.control.now())
        run = reconcile_account(self.account, frappe_stores(), Period(date(2024, 12, 1), date(2025, 4, 1)),
                                clock=lambda: now)
        return run, self.store.list_discrepancies(self.account, run_id=run.run_id)

    def test_a_clean_account_reconciles_without_a_finding_in_both_currencies(self):
        with MollieEmulator("association-small", seed=4, discrepancies=False, flows="real") as emu:
            run, found = self.reconcile(emu)
        self.assertEqual((run.status, run.settlements_checked), (COMPLETED, 8))
        self.assertEqual([(f.kind, f.ids) for f in found], [])
        self.assertEqual({b["currency"] for b in run.totals["balances"]}, {"EUR", "GBP"})
        self.assertTrue(any(s.get("pending") for s in run.totals["settlements"]))  # the open one: noted, never checked

    def test_every_planted_kind_of_the_real_flows_is_found_exactly(self):
        with MollieEmulator("association-small", seed=1, flows="real") as emu:
            run, found = self.reconcile(emu)
            truth = emu.control.ground_truth()
        scores = score([(f.kind, f.ids) for f in found], truth)
        self.assertEqual(len(scores), 11)
        self.assertEqual({k: (s.precision, s.recall) for k, s in scores.items()}, {k: (1.0, 1.0) for k in scores})
        self.assertEqual(Counter(f.kind for f in found), Counter(t["kind"] for t in truth))


class TestScheduling(ReconciliationTestCase):
    def test_only_accounts_switched_on_and_past_their_hour_without_a_completed_run_are_due(self):
        prefix = self.account
        settings(f"{prefix} a", auto_reconcile=1, reconciliation_hour=2)
        settings(f"{prefix} b", auto_reconcile=1, reconciliation_hour=7)
        settings(f"{prefix} c", auto_reconcile=0, reconciliation_hour=0)
        settings(f"{prefix} d", auto_reconcile=1, reconciliation_hour=0, enable_backend_api=0)
        settings(f"{prefix} e", auto_reconcile=1, reconciliation_hour=1)
        self.account = f"{prefix} e"
        self.run_once([])
        at_three = datetime(2025, 1, 16, 3, 0, tzinfo=jobs.AMSTERDAM)
        due = [a for a in jobs.due_accounts(at_three, DAY, NEXT) if a.startswith(prefix)]
        self.assertEqual(due, [f"{prefix} a"])
        at_seven = datetime(2025, 1, 16, 7, 0, tzinfo=jobs.AMSTERDAM)
        self.assertEqual([a for a in jobs.due_accounts(at_seven, DAY, NEXT) if a.startswith(prefix)],
                         [f"{prefix} a", f"{prefix} b"])

    def test_one_run_per_account_at_a_time(self):
        with jobs.account_lock(self.account):
            with self.assertRaises(jobs.ReconciliationBusyError):
                jobs.reconcile_now(self.account, DAY, NEXT)
            jobs.reconcile_account_job(self.account, DAY.isoformat(), NEXT.isoformat())  # skips, no error
        self.assertFalse(frappe.db.exists(RUN, run_name(self.account, DAY, NEXT)))

    def test_a_queued_run_is_not_queued_twice(self):
        settings(self.account, auto_reconcile=1)
        from frappe.utils.background_jobs import get_job

        first = jobs.enqueue_reconciliation(self.account, DAY, NEXT)
        try:
            second = jobs.enqueue_reconciliation(self.account, DAY, NEXT)
            self.assertTrue(first["queued"])
            self.assertFalse(second["queued"])
        finally:
            job = get_job(jobs.job_id(self.account))
            if job is not None:
                job.cancel()
                job.delete()

    def test_the_guides_scheduled_method_hands_over_to_the_sites_scheduler(self):
        from verenigingen.verenigingen_payments.workflows.reconciliation_engine import (
            run_daily_reconciliation,
        )

        frappe.db.set_value("Mollie Settings", {"name": ["like", "%"]}, "auto_reconcile", 0)
        self.assertEqual(run_daily_reconciliation(), {})
        self.assertIn(
            "verenigingen.verenigingen_payments.workflows.reconciliation_engine.run_daily_reconciliation",
            frappe.get_hooks("scheduler_events")["cron"]["0 2 * * *"])


class TestEndpoints(ReconciliationTestCase):
    def test_running_now_and_resolving_need_a_manager_and_listing_a_viewer(self):
        for user in ("Guest", user_with("Mollie Finance Viewer")):
            frappe.set_user(user)
            with self.assertRaises(frappe.PermissionError):
                api.run_reconciliation_now(settings=self.account)
            with self.assertRaises(frappe.PermissionError):
                api.resolve_discrepancy(run="x", identity="y", note="z")
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            api.list_recent_settlements(settings=self.account)

    def test_a_manager_resolves_with_a_note_and_it_is_audited(self):
        settings(self.account, enable_audit_trail=1)
        run = self.run_once([finding(1)])
        frappe.set_user(user_with("Mollie Finance Manager"))
        with self.assertRaises(frappe.ValidationError):
            api.resolve_discrepancy(run=run.run_id, identity=finding(1).identity, note=" ")
        done = api.resolve_discrepancy(run=run.run_id, identity=finding(1).identity, note="Booked by hand.")
        self.assertEqual((done["status"], done["resolution_note"]), (RESOLVED, "Booked by hand."))
        frappe.set_user("Administrator")
        audited = frappe.get_all("Mollie Audit Log", filters={"event_type": "reconciliation_discrepancy_resolved",
                                                               "resource_id": run.run_id}, pluck="details")
        self.assertEqual(len(audited), 1)
        self.assertIn(finding(1).identity, audited[0])
        self.assertNotIn("Booked by hand", audited[0])

    def test_viewer_lists_recent_settlements_with_the_reconciliations_verdict(self):
        with MollieEmulator("association-small", seed=1) as emu:
            settings(self.account, secret_key=emu.api_key, organization_access_token=emu.organization_token,
                     api_base_url=emu.base_url, retry_max_attempts=1)
            jobs.reconcile_now(self.account, date(2024, 12, 1), date(2025, 4, 1))
            frappe.set_user(user_with("Mollie Finance Viewer"))
            listed = api.list_recent_settlements(settings=self.account, limit=3)
        rows = listed["settlements"]
        self.assertEqual(len(rows), 3)
        self.assertTrue(all(isinstance(r["amount"]["value"], str) for r in rows))
        self.assertTrue(any(r["reconciled"] for r in rows))


tearDownModule = remove_test_users
