"""The morning cards' facts in a real site, and the three cards built only from the site's records:
yesterday's reconciliation (runs and open discrepancies written through the run store), the Mollie
Webhook Log backlog and the disputes due. Viewers read them; Guest and other users are refused."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import dashboard
from verenigingen.verenigingen_payments.api.test_accounts import PLAIN_USER, VIEWER_USER, make_user
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.frappe_integration.common.roles import VIEWER
from verenigingen.verenigingen_payments.frappe_integration.monitoring.morning_facts import (
    dispute_facts,
    reconciliation_facts,
    webhook_backlog,
)
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import FrappeReconciliationStore
from verenigingen.verenigingen_payments.frappe_integration.testing import (
    card_says,
    dispute_case,
    make_guide_settings,
    only_enabled,
)
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.monitoring.morning_view import (
    DisputeFacts,
    ReconciliationFacts,
    WebhookBacklog,
)
from verenigingen.verenigingen_payments.store.webhook_log import NewWebhookLog, WebhookStatus
from verenigingen.verenigingen_payments.workflows.reconciliation.discrepancy import Discrepancy

CARDS = (dashboard.card_reconciliation, dashboard.card_next_payout, dashboard.card_webhook_backlog,
         dashboard.card_disputes_due)


def finding(n: int) -> Discrepancy:
    return Discrepancy("amount_mismatch", Amount(Decimal("-12.50"), "EUR"), (f"tr_{n}",), "stl_test",
                       {"ledger": "10.00", "mollie": "-12.50"}, "Compare the payment with Mollie's dashboard.")


class TestMorningFacts(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_user(PLAIN_USER, ["Blogger"])
        make_user(VIEWER_USER, [VIEWER])

    def setUp(self):
        tag = uuid.uuid4().hex[:6]
        self.main, self.youth = f"_Test Morning Main {tag}", f"_Test Morning Youth {tag}"
        for name in (self.main, self.youth):
            make_guide_settings(name)
        only_enabled(self.main, self.youth)
        self.now = datetime.now(timezone.utc)
        self.today = self.now.astimezone(AMSTERDAM).date()
        self.yesterday = self.today - timedelta(days=1)

    def tearDown(self):
        frappe.set_user("Administrator")
        frappe.db.rollback()

    def card(self, method) -> str:
        frappe.set_user(VIEWER_USER)
        try:
            return method()
        finally:
            frappe.set_user("Administrator")

    def test_guest_and_plain_users_are_refused(self):
        for user in ("Guest", PLAIN_USER):
            frappe.set_user(user)
            for method in CARDS:
                with self.subTest(user=user, card=method.__name__), self.assertRaises(frappe.PermissionError):
                    method()

    def test_yesterdays_reconciliation_counts_open_discrepancies_and_names_failed_runs(self):
        self.assertEqual(card_says(self.card(dashboard.card_reconciliation)), ("not reconciled yet", None))
        store = FrappeReconciliationStore(commit=False)
        older = store.start_run(self.main, self.yesterday - timedelta(days=1), self.yesterday, self.now)
        store.finish_run(older.run_id, "failed", self.now)  # the day before: not yesterday's run
        run = store.start_run(self.main, self.yesterday, self.today, self.now)
        store.record_discrepancies(self.main, run.run_id, [finding(1), finding(2), finding(3)], self.now)
        store.finish_run(run.run_id, "completed", self.now)
        store.resolve(self.main, finding(1).identity, "Administrator", "refunded by hand", self.now)
        failed = store.start_run(self.youth, self.yesterday, self.today, self.now)
        store.finish_run(failed.run_id, "failed", self.now, error="Mollie: 503")
        facts = reconciliation_facts([self.main, self.youth], self.yesterday)
        self.assertEqual(facts, ReconciliationFacts((self.main, self.youth),
                                                    {self.main: "completed", self.youth: "failed"}, True, 2))
        html = self.card(dashboard.card_reconciliation)
        self.assertEqual(card_says(html), ("2 open discrepancies", f"run failed: {self.youth}"))
        self.assertIn('href="/app/mollie-reconciliation-run?open_discrepancy_count=', html)

    def _delivery(self, status: WebhookStatus, received: timedelta) -> str:
        log_id = uuid.uuid4().hex
        FrappeWebhookLogStore(commit=False).record(NewWebhookLog(
            id=log_id, source="classic", status=status, http_status=200, signature_result="valid", headers="{}",
            received_at=self.now - received, account=self.main, resource_type="payment", resource_id="tr_x"))
        return log_id

    def _failed(self, received: timedelta, retry_in: timedelta | None) -> None:
        log_id = self._delivery(WebhookStatus.RECEIVED, received)
        FrappeWebhookLogStore(commit=False).fail(
            log_id, error="handler failed", next_attempt_at=None if retry_in is None else self.now + retry_in,
            processing_ms=3)

    def test_the_webhook_backlog_counts_unfinished_deliveries_and_the_oldest_age(self):
        frappe.db.delete("Mollie Webhook Log")  # this test's own log (rolled back with it)
        self.assertEqual(webhook_backlog(self.now), WebhookBacklog(False, 0, 0, 0, None))
        self.assertEqual(card_says(self.card(dashboard.card_webhook_backlog)), ("no webhooks received yet", None))
        self._delivery(WebhookStatus.PROCESSED, timedelta(hours=3))
        self._delivery(WebhookStatus.REJECTED, timedelta(hours=2))
        self.assertEqual(webhook_backlog(self.now), WebhookBacklog(True, 0, 0, 0, None))
        self._delivery(WebhookStatus.RECEIVED, timedelta(seconds=30))  # being handled: not due yet
        self._delivery(WebhookStatus.RECEIVED, timedelta(hours=1))  # stale: the retry job picks it up
        self._failed(timedelta(minutes=30), timedelta(minutes=-1))  # retry due
        self._failed(timedelta(minutes=20), timedelta(minutes=10))  # retry later
        self._failed(timedelta(minutes=50), None)  # given up
        backlog = webhook_backlog(self.now)
        self.assertEqual(backlog, WebhookBacklog(True, 4, 2, 1, backlog.oldest_waiting))
        self.assertLess(abs(backlog.oldest_waiting - (self.now - timedelta(hours=1))), timedelta(seconds=1))
        html = self.card(dashboard.card_webhook_backlog)
        self.assertEqual(card_says(html), ("4 waiting (2 due)", "oldest 1 h 0 min · 1 gave up"))
        self.assertIn("/app/mollie-webhook-log?status=", html)

    def test_disputes_due_are_active_cases_of_enabled_accounts_with_a_deadline_today_or_past(self):
        self.assertEqual(card_says(self.card(dashboard.card_disputes_due)), ("no disputes yet", None))
        make_guide_settings(off := f"{self.main} off", enable_backend_api=0)
        for status, deadline, account in (("open", self.yesterday, self.main), ("investigating", self.today, self.youth),
                                          ("awaiting-member", self.today + timedelta(days=3), self.main),
                                          ("recovered", self.yesterday, self.main), ("open", self.yesterday, off)):
            dispute_case(account, f"dsp_{uuid.uuid4().hex[:12]}", customer_id="cst_x", payment_id="tr_x",
                         note="", status=status, deadline=deadline)
        self.assertEqual(dispute_facts([self.main, self.youth], self.today), DisputeFacts(4, 3, 2, 1))
        html = self.card(dashboard.card_disputes_due)
        self.assertEqual(card_says(html), ("2 due (1 overdue)", "3 open"))
        self.assertIn("/app/dispute-case?status=", html)
