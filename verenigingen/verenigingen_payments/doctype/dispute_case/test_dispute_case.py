"""Dispute Case in a real site: one case per chargeback under repeated syncs (the DocType-backed
store over HTTP to the emulator), the guide's baseline SQL and index, and the desk's workflow rules."""

from __future__ import annotations

from datetime import datetime

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.clients import ChargebacksClient
from verenigingen.verenigingen_payments.disputes import Actor, DisputeService
from verenigingen.verenigingen_payments.disputes.sync import ChargebackSync
from verenigingen.verenigingen_payments.frappe_integration.disputes.store import FrappeDisputeStore
from verenigingen.verenigingen_payments.frappe_integration.testing import emulator_account
from verenigingen.verenigingen_payments.frappe_integration.testing import remove_test_users

ACCOUNT = "_Test Dispute Account"
MANAGER = Actor("Administrator", frozenset({"System Manager"}))

# Frappe would otherwise make its User test records (test@example.com …, some System Managers) for
# the Link to User, and leave them on the site.
test_ignore = ["User"]


def remove_account_records(account: str) -> None:
    """Delete a test account's dispute and threshold records and the account itself, committed."""
    frappe.db.rollback()
    cases = frappe.get_all("Dispute Case", filters={"settings_name": account}, pluck="name")
    for doctype, filters in (("Dispute Evidence", {"dispute_case": ["in", cases or [""]]}),
                             ("Dispute Metrics", {"settings_name": account}), ("Dispute Case", {"settings_name": account}),
                             ("Balance Threshold", {"settings_name": account})):
        for name in frappe.get_all(doctype, filters=filters, pluck="name"):
            frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
    if frappe.db.exists("Mollie Settings", account):
        frappe.delete_doc("Mollie Settings", account, force=True, ignore_permissions=True)
    frappe.db.commit()


class DisputeSiteCase(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = emulator_account(cls, ACCOUNT)

    @classmethod
    def tearDownClass(cls):
        remove_account_records(ACCOUNT)
        super().tearDownClass()

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")

    def sync(self, service: DisputeService):
        """The daily sync as of the emulator's clock (the scenario lives in 2025)."""
        now = datetime.fromisoformat(self.emulator.control.now())
        return ChargebackSync(service, ACCOUNT, clock=lambda: now).sync()

    def synced(self) -> DisputeService:
        service = DisputeService(FrappeDisputeStore())
        self.sync(service)
        return service


class TestDisputeCase(DisputeSiteCase):
    def test_repeated_syncs_make_one_case_per_chargeback(self):
        service = self.synced()
        again = self.sync(service)
        chargebacks = ChargebacksClient(ACCOUNT).list_chargebacks()
        self.assertEqual(again.opened, 0)
        self.assertEqual(frappe.db.count("Dispute Case", {"settings_name": ACCOUNT}), len(chargebacks))
        total, open_ = frappe.db.sql("""SELECT COUNT(*) as total_disputes,
            SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) as open_disputes
            FROM `tabDispute Case` WHERE settings_name=%s""", ACCOUNT)[0]
        self.assertEqual((total, int(open_)), (len(chargebacks), len(chargebacks)))
        case = service.store.find_by_chargeback(ACCOUNT, chargebacks[0].id)
        self.assertEqual(case.amount, chargebacks[0].amount)
        self.assertEqual(case.chargeback_created_at, chargebacks[0].created_at)
        doc = frappe.get_doc("Dispute Case", case.case_id)
        self.assertTrue(doc.reason_explanation and doc.suggested_action)

    def test_the_guides_index_exists(self):
        rows = frappe.db.sql("SHOW INDEX FROM `tabDispute Case` WHERE Key_name='idx_dispute_status'", as_dict=True)
        self.assertEqual([r.Column_name for r in sorted(rows, key=lambda r: r.Seq_in_index)], ["status", "priority"])

    def test_workflow_rules_apply_to_desk_edits_and_to_the_service(self):
        service = self.synced()
        case = service.store.list_cases(ACCOUNT)[0]
        service.transition(case.case_id, "investigating", MANAGER)
        doc = frappe.get_doc("Dispute Case", case.case_id)
        doc.status = "open"
        self.assertRaises(frappe.ValidationError, doc.save)
        doc.reload()
        doc.status = "written-off"
        self.assertRaises(frappe.ValidationError, doc.save)
        doc.reload()
        doc.status, doc.resolution = "written-off", "Member left the association"
        doc.save()
        self.assertEqual(service.get(case.case_id).status, "written-off")

    def test_a_reversal_closes_the_case(self):
        service = self.synced()
        cb = ChargebacksClient(ACCOUNT).list_chargebacks()[0]
        case, created = service.open_case_for_chargeback(ACCOUNT, {**cb.raw, "reversedAt": "2025-03-27T09:00:00+00:00"})
        self.assertFalse(created)
        self.assertEqual(frappe.db.get_value("Dispute Case", case.case_id, "status"), "reversed")


class TestDisputeJobsAndRecovery(DisputeSiteCase):
    def test_daily_job_opens_cases_and_a_manager_requests_a_recovery_payment(self):
        from verenigingen.verenigingen_payments.api.disputes import request_recovery_payment
        from verenigingen.verenigingen_payments.api.test_accounts import VIEWER_USER, make_user
        from verenigingen.verenigingen_payments.frappe_integration.common.roles import VIEWER
        from verenigingen.verenigingen_payments.frappe_integration.disputes.jobs import (
            refresh_recovery_payments,
            sync_chargebacks_daily,
        )

        now = datetime.fromisoformat(self.emulator.control.now())
        report = sync_chargebacks_daily([ACCOUNT], clock=lambda: now)[ACCOUNT]
        self.assertEqual(report["opened"], len(ChargebacksClient(ACCOUNT).list_chargebacks()))
        case = frappe.get_all("Dispute Case", filters={"settings_name": ACCOUNT}, pluck="name", limit=1)[0]
        make_user(VIEWER_USER, [VIEWER])
        frappe.set_user(VIEWER_USER)
        with self.assertRaises(frappe.PermissionError):
            request_recovery_payment(case, "https://example.org/bedankt")
        frappe.set_user("Administrator")
        first = request_recovery_payment(case, "https://example.org/bedankt")
        self.assertEqual(first["status"], "awaiting-member")
        self.assertTrue(first["checkout_url"])
        with self.assertRaises(frappe.ValidationError):
            request_recovery_payment(case, "https://example.org/bedankt")
        self.emulator.control.trigger("payment.paid", first["payment_id"])
        refresh_recovery_payments([ACCOUNT])
        self.assertEqual(frappe.db.get_value("Dispute Case", case, "status"), "recovered")

    def test_the_webhook_handler_opens_one_case_with_the_member(self):
        from verenigingen.verenigingen_payments.frappe_integration.disputes.jobs import on_chargeback_webhook
        from verenigingen.verenigingen_payments.webhooks.handlers import WebhookEffect

        cb = ChargebacksClient(ACCOUNT).list_chargebacks()[0]
        effect = WebhookEffect("chargeback", cb.id, None, f"chargeback:{cb.id}", cb.raw, "chargeback.received",
                               ACCOUNT, "whl_test")
        on_chargeback_webhook(effect)
        on_chargeback_webhook(effect)
        rows = frappe.get_all("Dispute Case", filters={"settings_name": ACCOUNT, "chargeback_id": cb.id},
                              fields=["customer_id", "method"])
        self.assertEqual(len(rows), 1)
        self.assertTrue(rows[0].customer_id)
        self.assertEqual(rows[0].method, "directdebit")


tearDownModule = remove_test_users
