"""Balance Threshold and the monitor in a real site: validation, the guide's index, the guide's
console lines, alerts by e-mail queue + desk notification deduplicated across runs, and the cron job."""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api.test_accounts import make_user
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import remove_account_records
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGER
from verenigingen.verenigingen_payments.frappe_integration.testing import emulator_account
from verenigingen.verenigingen_payments.frappe_integration.testing import remove_test_users

ACCOUNT = "_Test Balance Account"



def make_outgoing_email_account() -> None:
    """A default outgoing account (never connected in tests: Frappe queues without sending)."""
    if not frappe.db.exists("Email Account", "_Test Mollie Alerts"):
        frappe.get_doc({"doctype": "Email Account", "email_account_name": "_Test Mollie Alerts",
                        "email_id": "alerts@example.com", "enable_outgoing": 1, "default_outgoing": 1,
                        "smtp_server": "127.0.0.1", "no_smtp_authentication": 1}).insert(ignore_permissions=True)


class TestBalanceThreshold(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = emulator_account(cls, ACCOUNT, low_balance_threshold=5000.00,
                                        alert_recipients="finance@company.com")

    @classmethod
    def tearDownClass(cls):
        remove_account_records(ACCOUNT)
        if frappe.db.exists("Email Account", "_Test Mollie Alerts"):
            frappe.delete_doc("Email Account", "_Test Mollie Alerts", force=True, ignore_permissions=True)
            frappe.db.commit()
        super().tearDownClass()

    def tearDown(self):
        frappe.db.rollback()

    def test_bad_thresholds_are_refused_naming_the_field(self):
        for values, field in (({"kind": "drop", "period_hours": 0}, "period_hours"),
                              ({"amount": -1}, "amount"), ({"recipients": "not-an-address"}, "recipients")):
            with self.subTest(field=field), self.assertRaisesRegex(frappe.ValidationError, field):
                frappe.get_doc({"doctype": "Balance Threshold", "settings_name": ACCOUNT, "kind": "below",
                                "amount": 100, **values}).insert()

    def test_the_guides_index_exists(self):
        rows = frappe.db.sql("SHOW INDEX FROM `tabBalance Threshold` WHERE Key_name='idx_balance_threshold'",
                             as_dict=True)
        self.assertEqual([r.Column_name for r in sorted(rows, key=lambda r: r.Seq_in_index)], ["balance_id", "active"])

    def test_guide_console_lines_alert_once_by_mail_and_desk(self):
        from verenigingen.verenigingen_payments.frappe_integration.monitoring.seams import monitoring_seams

        seams = monitoring_seams()
        for key in seams.alert_state.active_keys(ACCOUNT):
            seams.alert_state.clear(ACCOUNT, key)
        make_outgoing_email_account()
        make_user("mollie-alerts-manager@example.com", [MANAGER])
        queued, desk = frappe.db.count("Email Queue"), frappe.db.count("Notification Log")
        # the deployment guide's lines, verbatim but for the record name
        from verenigingen.verenigingen_payments.monitoring.balance_monitor import BalanceMonitor
        monitor = BalanceMonitor(ACCOUNT)
        health = monitor.run_monitoring_cycle()
        print(f"Monitoring active: {health['status']}")
        self.assertEqual(health["status"], "critical")
        self.assertEqual(len(health["alerts_raised"]), 1)
        self.assertEqual(frappe.db.count("Email Queue"), queued + 1)
        self.assertGreater(frappe.db.count("Notification Log"), desk)
        again = BalanceMonitor(ACCOUNT).run_monitoring_cycle()
        self.assertEqual(again["alerts_raised"], [])
        self.assertEqual(frappe.db.count("Email Queue"), queued + 1)
        for key in seams.alert_state.active_keys(ACCOUNT):
            seams.alert_state.clear(ACCOUNT, key)

    def test_the_cron_job_is_registered_and_skips_disabled_accounts(self):
        from verenigingen import hooks
        from verenigingen.verenigingen_payments.monitoring.balance_monitor import run_balance_monitoring

        self.assertIn("verenigingen.verenigingen_payments.monitoring.balance_monitor.run_balance_monitoring",
                      hooks.scheduler_events["cron"]["*/15 * * * *"])
        frappe.db.set_value("Mollie Settings", ACCOUNT, "enable_backend_api", 0)
        results = run_balance_monitoring()
        self.assertNotIn(ACCOUNT, results)
        self.assertEqual(run_balance_monitoring([ACCOUNT])[ACCOUNT]["status"], "disabled")


tearDownModule = remove_test_users
