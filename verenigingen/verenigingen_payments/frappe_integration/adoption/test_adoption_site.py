"""Adopting an existing account in a site, over HTTP against the emulator's "existing-account-small"
account: what the site holds equals Mollie's counts, the exceptions are the scenario's, and Active
Members, MRR and the 30-day volume are right on the first day; the desk's job stops when asked and
resumes, a rerun adds nothing; Connect Mollie is for managers and for a ready account only.

The adoption runs inside the test's transaction (rolled back); the settings record, the users and the
cache keys are removed at the end, so the site is left as found."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import frappe
from frappe.cache_manager import clear_defaults_cache
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import adoption as adoption_api
from verenigingen.verenigingen_payments.clients import PaymentsClient
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import remove_account_records
from verenigingen.verenigingen_payments.frappe_integration.adoption import desk
from verenigingen.verenigingen_payments.frappe_integration.adoption.site import adopt
from verenigingen.verenigingen_payments.frappe_integration.monitoring.dashboard_figures import FrappeLocalFigures
from verenigingen.verenigingen_payments.frappe_integration.testing import (
    emulator_account,
    make_test_user,
    remove_test_users,
)
from verenigingen.verenigingen_payments.sandbox.scenario import generate
from verenigingen.verenigingen_payments.sandbox.scenario_existing import SMALL_NAME
from verenigingen.verenigingen_payments.workflows.adoption.day_one import DayOne, day_one_figures

ACCOUNT = "_Test Adopted Account"
CLERK = "adoption-clerk@example.com"


def tearDownModule():
    remove_test_users()


class TestAdoptionInSite(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = emulator_account(cls, ACCOUNT, emulator_options={"scenario": SMALL_NAME})
        cls.truth = generate(SMALL_NAME, 1)[0].adoption_truth
        now = datetime.fromisoformat(cls.emulator.control.now())
        cls.clock = staticmethod(lambda: now)

    @classmethod
    def tearDownClass(cls):
        for key in (desk._stop_key(ACCOUNT), desk._outcome_key(ACCOUNT)):
            frappe.cache.delete_value(key)
        remove_account_records(ACCOUNT)
        super().tearDownClass()

    def tearDown(self):
        frappe.set_user("Administrator")
        frappe.db.rollback()
        clear_defaults_cache("__global")  # the ledger's sync cursor is a global default, cached past the rollback

    def test_the_site_holds_what_mollie_has_and_shows_the_right_figures_on_day_one(self):
        report = adopt(ACCOUNT, desk=True, clock=self.clock)
        self.assertFalse(report.stopped)
        self.assertEqual(report.customers, len(self.truth["customers"]))
        self.assertEqual(report.payments, sum(1 for _ in PaymentsClient(ACCOUNT).iter_payments()))
        for kind in ("customers", "mandates", "payments", "chargebacks", "settlements"):
            self.assertEqual(report.held[kind], getattr(report, kind), kind)
        self.assertEqual(report.held["subscriptions"], report.subscriptions_linked)
        self.assertEqual(sorted((e.kind, e.mollie_id) for e in report.exceptions),
                         [tuple(e) for e in self.truth["exceptions"]])
        masked = frappe.get_all("Mollie Mandate", filters={"account": ACCOUNT}, pluck="iban_masked")
        self.assertTrue(masked and all(iban is None or "****" in iban for iban in masked))
        expected = self.truth["day_one"]
        self.assertEqual(day_one_figures(ACCOUNT, FrappeLocalFigures(), self.clock),
                         DayOne(expected["active_members"], Decimal(expected["mrr"]),
                                expected["volume_30d"]["count"], Decimal(expected["volume_30d"]["amount"])))

    def test_a_stop_request_survives_the_cache_clears_of_a_running_adoption(self):
        desk.request_stop(ACCOUNT)
        frappe.clear_cache()  # what each save of the ledger's sync cursor does
        self.assertTrue(desk.stop_requested(ACCOUNT))
        frappe.cache.delete_value(desk._stop_key(ACCOUNT))

    def test_the_desk_job_stops_when_asked_resumes_and_a_rerun_adds_nothing(self):
        desk.request_stop(ACCOUNT)
        self.assertTrue(desk.stop_requested(ACCOUNT))
        stopped = desk.run(ACCOUNT)
        self.assertTrue(stopped["stopped"])
        self.assertEqual(frappe.db.count("Mollie Customer", {"account": ACCOUNT}), 0)
        finished = desk.run(ACCOUNT)
        self.assertFalse(finished["stopped"])
        self.assertEqual(desk.last_outcome(ACCOUNT), finished)
        again = desk.run(ACCOUNT)
        self.assertEqual(again["held"], finished["held"])
        self.assertEqual(again["exceptions"], finished["exceptions"])
        self.assertEqual(frappe.db.count("Dispute Case", {"settings_name": ACCOUNT}), finished["held"]["chargebacks"])

    def test_a_second_start_while_one_is_queued_starts_nothing(self):
        from frappe.utils.background_jobs import get_job

        try:
            self.assertEqual(desk.start(ACCOUNT), {"started": True, "running": True})
            self.assertEqual(desk.start(ACCOUNT), {"started": False, "running": True})
        finally:
            job = get_job(desk.job_id(ACCOUNT))
            if job is not None:
                job.delete()
        self.assertFalse(desk.is_running(ACCOUNT))

    def test_connect_is_for_managers_and_for_an_account_that_is_ready(self):
        frappe.set_user(make_test_user(CLERK, roles=("Blogger",)))
        with self.assertRaises(frappe.PermissionError):
            adoption_api.connect(ACCOUNT)
        frappe.set_user("Administrator")
        frappe.db.set_value("Mollie Settings", ACCOUNT, "enable_backend_api", 0)
        with self.assertRaises(frappe.ValidationError):
            adoption_api.connect(ACCOUNT)
        self.assertEqual(adoption_api.status(ACCOUNT)["running"], False)
