"""Mollie Webhook Log in a real site: the DocType-backed store keeps the SQL store's contract; the site's
ingest → process path over the emulator fills the log and `Mollie Payment` exactly once; bad secrets
and signatures are refused with a row; replay is for managers; nobody edits a row through the ORM."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import Future
from datetime import datetime, timedelta, timezone

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api.conventions import InvalidArgumentError
from verenigingen.verenigingen_payments.clients import PaymentsClient
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import remove_account_records
from verenigingen.verenigingen_payments.doctype.mollie_webhook_log.mollie_webhook_log import (
    PROCESSED_INDEX,
    WebhookLogIsReadOnly,
    replay,
)
from verenigingen.verenigingen_payments.doctype.mollie_webhook_subscription.mollie_webhook_subscription import (
    REGISTERING_FLAG_KEY,
)
from verenigingen.verenigingen_payments.frappe_integration.testing import emulator_account
from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import (
    purge_webhook_personal_data,
    site_runtime,
)
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.store.webhook_log import (
    DuplicateEventError,
    NewWebhookLog,
    WebhookStatus,
)
from verenigingen.verenigingen_payments.webhooks import IncomingDelivery, WebhookSettings, signature_header

ACCOUNT = "_Test Webhook Account"
SECRET = f"whsec-{uuid.uuid4().hex}"
SIGNING = f"sign-{uuid.uuid4().hex}"
T0 = datetime(2025, 10, 26, 0, 30, tzinfo=timezone.utc)  # the night Amsterdam leaves summer time


def new_row(**changes) -> NewWebhookLog:
    values = dict(id=uuid.uuid4().hex, source="classic", status=WebhookStatus.RECEIVED, http_status=200,
                  signature_result="valid_secret", headers="{}", received_at=T0, body=b"id=tr_1", body_size=7,
                  webhook_id="tr_1", account=ACCOUNT, resource_type="payment", resource_id="tr_1")
    values.update(changes)
    return NewWebhookLog(**values)


class InlineQueue:
    """Processes a submitted row at once (RQ's stand-in inside a test transaction)."""

    processor = None

    def submit(self, log_id: str) -> Future:
        future = Future()
        future.set_result(self.processor.process(log_id))
        return future


class TestWebhookLogStore(FrappeTestCase):
    def setUp(self):
        self.store = FrappeWebhookLogStore(commit=False)

    def tearDown(self):
        frappe.db.rollback()

    def test_a_row_comes_back_as_written_with_aware_times_and_any_body(self):
        written = self.store.record(new_row(body=b"\xff\xfe not utf-8", event_created_at=T0 - timedelta(minutes=1)))
        got = self.store.get(written.id)
        self.assertEqual(got.body, b"\xff\xfe not utf-8")
        self.assertEqual(got.received_at, T0)
        self.assertEqual(got.event_created_at, T0 - timedelta(minutes=1))
        self.assertEqual((got.status, got.processed, got.attempts), (WebhookStatus.RECEIVED, False, 0))

    def test_an_event_id_logged_twice_is_a_duplicate(self):
        self.store.record(new_row(dedupe_key="event:ev_1"))
        with self.assertRaises(DuplicateEventError):
            self.store.record(new_row(dedupe_key="event:ev_1"))

    def test_a_row_is_claimed_once_and_an_effect_applied_once(self):
        first, twin = self.store.record(new_row()), self.store.record(new_row())
        self.assertIsNotNone(self.store.claim(first.id, now=T0, lease=timedelta(minutes=5)))
        self.assertIsNone(self.store.claim(first.id, now=T0, lease=timedelta(minutes=5)))
        self.store.claim(twin.id, now=T0, lease=timedelta(minutes=5))
        kwargs = dict(resource_type="payment", resource_id="tr_1", status="paid", now=T0, processing_ms=3)
        self.assertEqual(self.store.finish_with_effect(first.id, "payment:tr_1:paid", **kwargs), WebhookStatus.PROCESSED)
        self.assertEqual(self.store.finish_with_effect(twin.id, "payment:tr_1:paid", **kwargs), WebhookStatus.DUPLICATE)
        self.assertTrue(self.store.effect_applied("payment:tr_1:paid"))
        self.assertEqual(self.store.effects_for("tr_1"), ["payment:tr_1:paid"])

    def test_a_failed_row_is_due_at_its_next_attempt_and_replay_makes_it_claimable(self):
        row = self.store.record(new_row())
        self.store.claim(row.id, now=T0, lease=timedelta(minutes=5))
        self.store.fail(row.id, error="boom", next_attempt_at=T0 + timedelta(minutes=1), processing_ms=1)
        self.assertNotIn(row.id, self.store.due_ids(now=T0, stale_before=T0 - timedelta(minutes=2)))
        self.assertIn(row.id, self.store.due_ids(now=T0 + timedelta(minutes=1), stale_before=T0 - timedelta(minutes=2)))
        self.assertIn(row.id, [r.id for r in self.store.replay_candidates(failed=True)])
        self.store.reset_for_replay(row.id, now=T0)
        self.assertTrue(self.store.get(row.id).operator_replay)

    def test_the_retention_purge_drops_personal_data_and_keeps_the_row(self):
        old = self.store.record(new_row(headers='{"User-Agent": "Mollie"}', client_ip="203.0.113.9"))
        young = self.store.record(new_row(received_at=T0 + timedelta(days=30)))
        self.assertEqual(purge_webhook_personal_data(T0 + timedelta(days=1)), 1)
        purged = self.store.get(old.id)
        self.assertEqual((purged.body, purged.client_ip, purged.headers), (None, None, "{}"))
        self.assertEqual((purged.resource_id, purged.status), ("tr_1", WebhookStatus.RECEIVED))
        self.assertEqual(self.store.get(young.id).body, b"id=tr_1")

    def test_the_guides_index_exists(self):
        indexes = frappe.db.sql("show index from `tabMollie Webhook Log` where Key_name=%s", PROCESSED_INDEX, as_dict=True)
        self.assertEqual([i.Column_name for i in indexes], ["webhook_id", "processed"])

    def test_nobody_writes_a_row_through_the_orm(self):
        row = self.store.record(new_row(account=None))
        doc = frappe.get_doc("Mollie Webhook Log", row.id)
        doc.status = "processed"
        with self.assertRaises(WebhookLogIsReadOnly):
            doc.save(ignore_permissions=True)
        with self.assertRaises(WebhookLogIsReadOnly):
            frappe.delete_doc("Mollie Webhook Log", row.id, ignore_permissions=True)
        with self.assertRaises(WebhookLogIsReadOnly):
            frappe.get_doc({"doctype": "Mollie Webhook Log", "source": "classic", "status": "received",
                            "signature_result": "x", "received_at": frappe.utils.now_datetime()}).insert(
                ignore_permissions=True)


class WebhookAccountTestCase(FrappeTestCase):
    """An emulator account (`account`, classic webhook secret `secret`) for the class, with one of its
    payments; the account's records are removed before and after."""

    account = ACCOUNT
    secret = SECRET

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        remove_account_records(cls.account)
        cls.emulator = emulator_account(cls, cls.account, webhook_secret=cls.secret)
        cls.payment_id = PaymentsClient(cls.account).list_payments(max_items=1)[0].id

    @classmethod
    def tearDownClass(cls):
        remove_account_records(cls.account)
        super().tearDownClass()


class TestSiteWebhooks(WebhookAccountTestCase):

    def setUp(self):
        self.queue = InlineQueue()
        self.runtime = site_runtime(queue=self.queue, store=FrappeWebhookLogStore(commit=False),
                                    settings=WebhookSettings(inline_budget_seconds=5))
        self.queue.processor = self.runtime.processor

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")

    def classic(self, secret: str = SECRET, payment_id: str | None = None):
        body = f"id={payment_id or self.payment_id}".encode()
        return self.runtime.ingest.ingest(IncomingDelivery(
            "POST", "application/x-www-form-urlencoded", {"User-Agent": "Mollie"}, body, {"secret": secret}, "127.0.0.1"))

    def rows(self, **filters):
        return frappe.get_all("Mollie Webhook Log", filters=filters, fields=["name", "status", "rejection_reason",
                                                                             "account", "signature_result"])

    def test_a_classic_delivery_is_logged_processed_into_the_ledger_once(self):
        first = self.classic()
        self.assertEqual((first.http_status, first.body), (200, {"status": "processed", "resource_id": self.payment_id}))
        again = self.classic()
        self.assertEqual(again.body["status"], "duplicate")
        statuses = sorted(r.status for r in self.rows(resource_id=self.payment_id))
        self.assertEqual(statuses, ["duplicate", "processed"])
        self.assertEqual(frappe.db.get_value("Mollie Payment", f"{ACCOUNT}:{self.payment_id}", "payment_id"),
                         self.payment_id)

    def test_a_chargeback_and_its_reversal_each_apply_and_the_ledger_follows_mollie(self):
        """Paid → charged back → reversed (A → B → A): three transitions, three effects; the same state
        delivered again is a duplicate, and the ledger ends where Mollie is (no amount charged back)."""
        control = self.emulator.control
        payment = next(p for p in PaymentsClient(ACCOUNT).list_payments(max_items=250)
                       if p.status.value == "paid" and p.amount_charged_back is None
                       and not (p.amount_refunded and p.amount_refunded.value) and p.id != self.payment_id)
        name = f"{ACCOUNT}:{payment.id}"
        answers = [self.classic(payment_id=payment.id).body["status"]]
        chargeback = control.trigger("payment.chargeback", payment.id, amount=str(payment.amount.value),
                                     reason="MD06")["chargeback"]
        answers.append(self.classic(payment_id=payment.id).body["status"])
        self.assertEqual(frappe.db.get_value("Mollie Payment", name, "amount_charged_back"),
                         str(payment.amount.value))
        control.advance_clock(days=1)
        control.trigger("chargeback.reverse", chargeback["id"])
        answers.append(self.classic(payment_id=payment.id).body["status"])
        answers.append(self.classic(payment_id=payment.id).body["status"])
        self.assertEqual(answers, ["processed", "processed", "processed", "duplicate"])
        self.assertFalse(frappe.db.get_value("Mollie Payment", name, "amount_charged_back"))
        self.assertIsNone(PaymentsClient(ACCOUNT).get_payment(payment.id).amount_charged_back)

    def test_a_wrong_secret_is_refused_with_a_rejected_row(self):
        earlier = {r.name for r in self.rows(status="rejected")}  # a site may hold real refusals already
        answer = self.classic(secret="not-the-secret")
        self.assertEqual(answer.http_status // 100, 4)
        self.assertEqual(answer.body["reason"], "invalid_secret")
        self.assertEqual([r.rejection_reason for r in self.rows(status="rejected", signature_result="invalid_secret")
                          if r.name not in earlier], ["invalid_secret"])
        self.assertNotIn(SECRET, json.dumps(frappe.get_all("Mollie Webhook Log", fields=["*"]), default=str))

    def test_a_signed_event_verifies_against_the_registered_signing_secret(self):
        frappe.local.flags[REGISTERING_FLAG_KEY] = True
        try:
            frappe.get_doc({"doctype": "Mollie Webhook Subscription", "settings": ACCOUNT, "webhook_id": "hook_test",
                            "signing_secret": SIGNING}).insert(ignore_permissions=True)
        finally:
            frappe.local.flags[REGISTERING_FLAG_KEY] = False
        event = json.dumps({"resource": "event", "id": f"event_{uuid.uuid4().hex[:10]}", "type": "payment.paid",
                            "entityId": self.payment_id,
                            "createdAt": datetime.now(timezone.utc).isoformat()}).encode()
        good = self.runtime.ingest.ingest(IncomingDelivery(
            "POST", "application/json", {"X-Mollie-Signature": signature_header(event, SIGNING)}, event))
        self.assertEqual(good.http_status, 200, good.body)
        bad = self.runtime.ingest.ingest(IncomingDelivery(
            "POST", "application/json", {"X-Mollie-Signature": signature_header(event, "wrong")}, event))
        self.assertEqual((bad.http_status // 100, bad.body["reason"]), (4, "invalid_signature"))

    def test_replay_is_for_managers_and_reprocesses_without_a_second_effect(self):
        self.classic()
        row = self.rows(resource_id=self.payment_id, status="processed")[0]
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            replay(row.name)
        frappe.set_user("Administrator")
        with self.assertRaises(frappe.DoesNotExistError):
            replay("0" * 32)
        with self.assertRaises(InvalidArgumentError):
            replay("no-such-row")
        self.runtime.recovery.replay(ids=[row.name])  # what `replay` queues, processed inline here
        self.assertEqual(frappe.db.get_value("Mollie Webhook Log", row.name, "status"), "duplicate")
        self.assertEqual(FrappeWebhookLogStore(commit=False).effects_for(self.payment_id),
                         [frappe.db.get_value("Mollie Webhook Log", row.name, "applied_effect_key")])
