"""Mollie Subscription in a real site, against the Mollie emulator: the service keeps its records in
the DocTypes without being told (the site seam), the scheduled entry covers the enabled Mollie
Settings, the sync is idempotent, managers act through the role-checked endpoints, drift is
reported and resolved, the cron is registered and the Membership Revenue report adds up."""

from __future__ import annotations

import tempfile
from datetime import datetime
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import subscriptions as api
from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import (
    STORE_URL_KEY,
    FrappeSubscriptionStore,
)
from verenigingen.verenigingen_payments.frappe_integration.testing import allow_emulator_base_url
from verenigingen.verenigingen_payments.report.membership_revenue import membership_revenue
from verenigingen.verenigingen_payments.sandbox import MollieEmulator
from verenigingen.verenigingen_payments.subscriptions import SepaMandate, SubscriptionService
from verenigingen.verenigingen_payments.workflows.subscription_manager import sync_all_subscription_payments
from verenigingen.verenigingen_payments.frappe_integration.testing import make_test_user, remove_test_users

SETTINGS = "_Test Subscriptions"
RECORD = "Mollie Subscription"
SYNC_METHOD = (
    "verenigingen.verenigingen_payments.workflows.subscription_manager.sync_all_subscription_payments"
)
DUES = Amount(Decimal("12.50"), "EUR")
IBAN = "NL91ABNA0417164300"


def settings_record(base_url: str, api_key: str, *, name: str = SETTINGS, enabled: int = 1):
    return frappe.get_doc(
        {
            "doctype": "Mollie Settings",
            "gateway_name": name,
            "secret_key": api_key,
            "profile_id": "pfl_Test12345",
            "api_base_url": base_url,
            "enable_backend_api": enabled,
            "rate_limit_requests_per_second": 100,
            "retry_max_attempts": 1,
        }
    ).insert()


def user_with(role: str | None) -> str:
    email = f"subscriptions-{frappe.scrub(role or 'plain').replace('_', '-')}@example.com"
    return make_test_user(email, [role] if role else [], role or "Plain")


class SubscriptionSiteTestCase(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        allow_emulator_base_url(cls)
        cls.emulator = MollieEmulator(scenario="association-small", seed=3)
        cls.emulator.__enter__()
        cls.ledger_dir = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.emulator.__exit__(None, None, None)
        cls.ledger_dir.cleanup()
        super().tearDownClass()

    def setUp(self):
        # the ledger is a SQL store until a Mollie Payment DocType exists; keep the test's out of the site's
        frappe.local.conf[STORE_URL_KEY] = f"sqlite:///{self.ledger_dir.name}/{self._testMethodName}.sqlite3"
        for name in frappe.get_all("Mollie Settings", filters={"enable_backend_api": 1}, pluck="name"):
            frappe.db.set_value("Mollie Settings", name, "enable_backend_api", 0)  # rolled back in tearDown
        settings_record(self.emulator.base_url, self.emulator.api_key)

    def tearDown(self):
        frappe.set_user("Administrator")
        frappe.local.conf.pop(STORE_URL_KEY, None)
        frappe.db.rollback()

    def clock(self) -> datetime:
        return datetime.fromisoformat(self.emulator.control.now())

    def service(self, *, wall_clock: bool = False) -> SubscriptionService:
        """On the emulator's clock (payments fall due as it advances), or on the wall clock the
        endpoints use."""
        clock = {} if wall_clock else {"clock": self.clock}
        return SubscriptionService.for_account(SETTINGS, sleep=lambda s: None, **clock)

    def enrol(self, member: str, *, trial_days: int = 0, wall_clock: bool = False):
        return (
            self.service(wall_clock=wall_clock)
            .enrol(
                member,
                amount=DUES,
                interval="1 month",
                description="Contributie",
                mandate=SepaMandate(IBAN, "A. Lid"),
                trial_days=trial_days,
            )
            .record
        )

    def doc_name(self, member: str, term: int = 1) -> str:
        return f"{SETTINGS}:{member}:{term}"


class TestSubscriptionRecordsInTheSite(SubscriptionSiteTestCase):
    def test_inside_a_site_the_service_keeps_its_records_in_the_doctypes(self):
        service = self.service()
        self.assertIsInstance(service.ctx.store, FrappeSubscriptionStore)
        record = self.enrol("M-1")
        doc = frappe.get_doc(RECORD, self.doc_name("M-1"))
        self.assertEqual(
            (doc.member_reference, doc.account, doc.term, doc.status), ("M-1", SETTINGS, 1, "active")
        )
        self.assertEqual(
            (doc.subscription_id, doc.customer_id, doc.mandate_id),
            (record.subscription_id, record.customer_id, record.mandate_id),
        )
        self.assertTrue(doc.subscription_id.startswith("sub_") and doc.mandate_id.startswith("mdt_"))
        self.assertEqual(service.ctx.store.current(SETTINGS, "M-1"), record)  # exact round trip, aware times
        self.assertEqual(record.amount.value, Decimal("12.50"))

    def test_the_scheduled_entry_syncs_every_enabled_account_once_into_the_doctypes(self):
        record = self.enrol("M-2")
        settings_record(self.emulator.base_url, self.emulator.api_key, name="_Test Switched Off", enabled=0)
        self.emulator.control.advance_clock(days=4)
        results = sync_all_subscription_payments(clock=self.clock, sleep=lambda s: None)
        self.assertEqual(list(results), [SETTINGS])  # the switched-off record is not synced
        report = results[SETTINGS]
        self.assertGreater(report.subscriptions, 1)  # the scenario's own subscriptions are paged too …
        self.assertNotIn(record.subscription_id, report.untracked)
        payments = frappe.get_all(
            "Mollie Subscription Payment",
            filters={"subscription": self.doc_name("M-2")},
            fields=["payment_id", "status", "due_date"],
        )
        self.assertEqual(len(payments), 1)  # … but only ours become records
        self.assertEqual(payments[0].status, "paid")
        self.assertEqual(frappe.db.get_value(RECORD, self.doc_name("M-2"), "status"), "active")
        self.assertTrue(frappe.db.get_value("Mollie Subscription Sync", SETTINGS, "completed_at"))
        again = sync_all_subscription_payments([SETTINGS], clock=self.clock, sleep=lambda s: None)[SETTINGS]
        self.assertFalse(isinstance(again, Exception))
        self.assertEqual(
            frappe.db.count("Mollie Subscription Payment", {"subscription": self.doc_name("M-2")}), 1
        )
        self.assertEqual(
            frappe.db.count(
                "Mollie Subscription Event", {"subscription": self.doc_name("M-2"), "kind": "new"}
            ),
            1,
        )

    def test_the_cron_is_registered_as_a_scheduled_job(self):
        job = frappe.db.get_value(
            "Scheduled Job Type",
            {"method": SYNC_METHOD},
            ["frequency", "cron_format", "stopped"],
            as_dict=True,
        )
        self.assertIsNotNone(
            job, "run bench migrate: the hooks' cron entry is synced into Scheduled Job Type"
        )
        self.assertEqual((job.frequency, job.cron_format, job.stopped), ("Cron", "0 */6 * * *", 0))


class TestManagersActThroughEndpoints(SubscriptionSiteTestCase):
    def test_viewers_plain_users_and_guests_are_refused(self):
        self.enrol("M-3")
        for user in (user_with("Mollie Finance Viewer"), user_with(None), "Guest"):
            frappe.set_user(user)
            with self.assertRaises(frappe.PermissionError):
                api.cancel_subscription(self.doc_name("M-3"))
        frappe.set_user(user_with("Mollie Finance Viewer"))
        self.assertEqual(api.get_subscription_drift(self.doc_name("M-3"))["drift"], [])
        frappe.set_user("Administrator")
        self.assertFalse(frappe.db.get_value(RECORD, self.doc_name("M-3"), "cancel_at_period_end"))

    def test_a_manager_cancels_at_period_end_and_reactivates(self):
        # the endpoints run on the wall clock: a 30-day trial keeps the period end ahead of it
        self.enrol("M-4", trial_days=30, wall_clock=True)
        frappe.set_user(user_with("Mollie Finance Manager"))
        canceled = api.cancel_subscription(self.doc_name("M-4"))
        self.assertTrue(canceled["cancel_at_period_end"])
        self.assertEqual(canceled["status"], "trialing")  # access until the trial's end
        self.assertEqual(frappe.db.get_value(RECORD, self.doc_name("M-4"), "cancel_at_period_end"), 1)
        self.assertEqual(
            frappe.db.count(
                "Mollie Subscription Event",
                {"subscription": self.doc_name("M-4"), "kind": "cancel_requested"},
            ),
            1,
        )
        again = api.reactivate_subscription(self.doc_name("M-4"))
        self.assertFalse(again["cancel_at_period_end"])
        self.assertEqual((again["status"], again["name"]), ("trialing", self.doc_name("M-4")))
        self.assertEqual(again["amount"], {"currency": "EUR", "value": "12.50"})

    def test_an_unknown_record_is_a_clear_404(self):
        frappe.set_user(user_with("Mollie Finance Manager"))
        with self.assertRaises(frappe.DoesNotExistError):
            api.cancel_subscription("no such record")

    def test_drift_is_reported_and_the_managers_choice_resolves_it(self):
        record = self.enrol("M-5", wall_clock=True)
        service = self.service(wall_clock=True)
        service.ctx.api.subscriptions.update_subscription(
            record.customer_id, record.subscription_id, amount=Amount(Decimal("15.00"), "EUR")
        )
        service.sync(tracked_only=True)
        name = f"{SETTINGS}:{record.subscription_id}:amount"
        self.assertEqual(
            frappe.db.get_value("Mollie Subscription Drift", name, ["status", "mollie_value"]),
            ("open", "EUR 15.00"),
        )
        self.assertEqual(frappe.db.get_value(RECORD, self.doc_name("M-5"), "amount"), 12.5)  # not overwritten
        frappe.set_user(user_with("Mollie Finance Manager"))
        drift = api.get_subscription_drift(self.doc_name("M-5"))["drift"]
        self.assertEqual(
            [(d["field"], d["local_value"], d["mollie_value"]) for d in drift],
            [("amount", "EUR 12.50", "EUR 15.00")],
        )
        with self.assertRaises(frappe.ValidationError):
            api.resolve_subscription_drift(self.doc_name("M-5"), "amount", "overwrite_everything")
        resolved = api.resolve_subscription_drift(self.doc_name("M-5"), "amount", "accept_mollie")
        self.assertEqual(resolved["amount"], {"currency": "EUR", "value": "15.00"})
        self.assertEqual(
            frappe.db.get_value("Mollie Subscription Drift", name, ["status", "resolution"]),
            ("resolved", "accept_mollie"),
        )


class TestMembershipRevenueReport(SubscriptionSiteTestCase):
    def test_the_report_shows_new_members_dues_and_mrr_of_the_site(self):
        first = self.enrol("M-6")
        self.enrol("M-7")
        self.emulator.control.advance_clock(days=4)
        self.service().sync(tracked_only=True)
        first_month = first.start_date.replace(day=1)
        columns, data, _message, chart, summary = membership_revenue.execute(
            {"account": SETTINGS, "from_date": first_month, "to_date": self.clock().date(), "currency": "EUR"}
        )
        self.assertEqual([c["fieldname"] for c in columns][:4], ["month", "new", "churned", "reactivated"])
        self.assertEqual(data[0]["month"], f"{first_month:%Y-%m}")
        self.assertEqual(chart["data"]["labels"], [row["month"] for row in data])

        months = {row["month"]: row for row in data}
        started, activated = f"{first_month:%Y-%m}", f"{self.clock():%Y-%m}"
        self.assertEqual(sum(row["new"] for row in data), 2)
        self.assertEqual(months[activated]["new"], 2)  # counted when the first payment was paid
        self.assertEqual(
            (months[started]["dues_expected"], months[started]["dues_received"]),
            (Decimal("25.00"), Decimal("25.00")),
        )
        self.assertEqual((months[started]["failed_payments"], months[started]["settled_payments"]), (0, 2))
        if activated != started:  # the second dues of each member fall due next month, not yet paid
            self.assertEqual(
                (months[activated]["dues_expected"], months[activated]["dues_received"]),
                (Decimal("25.00"), Decimal("0.00")),
            )
        self.assertEqual(
            {s["label"]: s["value"] for s in summary},
            {"MRR (total)": Decimal("25.00"), "MRR (1 month)": Decimal("25.00")},
        )

    def test_the_report_is_registered_for_the_mollie_roles(self):
        roles = set(
            frappe.get_all(
                "Has Role", filters={"parent": "Membership Revenue", "parenttype": "Report"}, pluck="role"
            )
        )
        self.assertEqual(roles, {"System Manager", "Mollie Finance Manager", "Mollie Finance Viewer"})
        self.assertEqual(frappe.db.get_value("Report", "Membership Revenue", "report_type"), "Script Report")


tearDownModule = remove_test_users
