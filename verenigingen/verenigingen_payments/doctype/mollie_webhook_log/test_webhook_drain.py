"""The site's batch drain job and lean endpoint: one drainer closes a batch of deliveries into `Mollie
Payment` once each (twins included); a drain killed mid-batch loses nothing and records each state once
after its leases run out; a 429 from Mollie pauses the drain without counting attempts; a burst of
deliveries wakes one drain job; a secret rotated on the Mollie Settings record applies to the
endpoint's very next request although the endpoint caches its settings."""

from __future__ import annotations

import uuid

import frappe

from verenigingen.verenigingen_payments.clients import PaymentsClient
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.doctype.mollie_webhook_log.test_mollie_webhook_log import (
    WebhookAccountTestCase,
)
from verenigingen.verenigingen_payments.frappe_integration.webhooks.endpoint import site_ingest
from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import (
    batch_fetcher,
    drain_gate,
    site_drainer,
    site_runtime,
)
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.webhooks import IncomingDelivery
from verenigingen.verenigingen_payments.webhooks.drain_gate import DrainQueue

ACCOUNT = "_Test Webhook Drain Account"
SECRET = f"whsec-{uuid.uuid4().hex}"


class RecordingQueue:
    def __init__(self) -> None:
        self.submitted = []

    def submit(self, log_id):
        self.submitted.append(log_id)


class Killed(BaseException):
    """What a SIGKILL does to the drain job's thread: nothing after it runs (not even `except Exception`)."""


def delivery(payment_id: str, secret: str = SECRET) -> IncomingDelivery:
    return IncomingDelivery("POST", "application/x-www-form-urlencoded", {"User-Agent": "Mollie"},
                            f"id={payment_id}".encode(), {"secret": secret}, "127.0.0.1")


class TestWebhookDrain(WebhookAccountTestCase):
    account = ACCOUNT
    secret = SECRET

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        payments = PaymentsClient(cls.account)
        cls.paid = []
        for _ in range(6):
            payment = payments.create_payment(Amount.of("12.50", "EUR"), "Contributie 2026",
                                              redirect_url="https://example.org/thanks")
            cls.emulator.control.trigger("payment.paid", payment.id)
            cls.paid.append(payment.id)

    def setUp(self):
        self.queue = RecordingQueue()
        self.runtime = site_runtime(queue=self.queue, store=FrappeWebhookLogStore(commit=False), fetcher=batch_fetcher())

    def tearDown(self):
        frappe.db.rollback()

    def deliver_all(self) -> None:
        for payment_id in self.paid:
            self.assertEqual(self.runtime.ingest.ingest(delivery(payment_id)).body["status"], "retry_queued")

    def statuses(self) -> list[str]:
        return sorted(frappe.get_all("Mollie Webhook Log", filters={"resource_id": ["in", self.paid]}, pluck="status"))

    def test_one_drainer_closes_a_batch_of_deliveries_into_the_ledger_once_each(self):
        self.deliver_all()
        self.runtime.ingest.ingest(delivery(self.paid[0]))  # a redelivery: its twin is in the same batch
        report = site_drainer(self.runtime, concurrency=4).drain()
        self.assertEqual((report.rows, report.more_due), (7, False))
        self.assertEqual(self.statuses(), ["duplicate"] + ["processed"] * 6)
        for payment_id in self.paid:
            self.assertEqual(frappe.db.get_value("Mollie Payment", f"{ACCOUNT}:{payment_id}", "status"), "paid")
            self.assertEqual(len(FrappeWebhookLogStore(commit=False).effects_for(payment_id)), 1)

    def test_a_drain_killed_mid_batch_loses_nothing_and_records_each_state_once(self):
        self.deliver_all()
        effects = []

        def killed_at_the_third(effect):
            effects.append(effect.effect_key)
            if len(effects) == 3:
                raise Killed

        self.runtime.registry.register("payment", killed_at_the_third)
        with self.assertRaises(Killed):
            site_drainer(self.runtime, concurrency=4).drain()
        self.assertEqual(self.statuses(), ["processed"] * 2 + ["processing"] * 4)
        frappe.db.sql("update `tabMollie Webhook Log` set lease_until=%s where status='processing'",
                      frappe.utils.add_to_date(frappe.utils.now_datetime(), minutes=-1))  # the leases ran out
        self.assertTrue(self.runtime.recovery.run_due())
        report = site_drainer(self.runtime, concurrency=4).drain()
        self.assertEqual((report.rows, report.more_due), (4, False))
        self.assertEqual(self.statuses(), ["processed"] * 6)
        store = FrappeWebhookLogStore(commit=False)
        self.assertEqual(sorted(k for p in self.paid for k in store.effects_for(p)), sorted(set(effects)))
        self.assertEqual([k for k in set(effects) if effects.count(k) > 1], [effects[2]])  # only the interrupted

    def test_a_429_from_mollie_pauses_the_drain_and_counts_no_attempt(self):
        self.deliver_all()
        # more 429s than the client's own retries: the drain sees Mollie's rate limit, not one slow answer
        self.emulator.control.inject_fault(method="GET", path="/v2/payments/*", status=429, retry_after=1, count=20)
        try:
            report = site_drainer(self.runtime, concurrency=1).drain()
        finally:
            self.emulator.control.clear_faults()
        self.assertEqual((report.rows, report.more_due), (6, False))
        self.assertIsNotNone(report.paused_until)
        rows = frappe.get_all("Mollie Webhook Log", filters={"resource_id": ["in", self.paid]},
                              fields=["status", "attempts"])
        self.assertEqual({(row.status, row.attempts) for row in rows}, {("failed", 0)})
        frappe.db.sql("update `tabMollie Webhook Log` set next_attempt_at=%s where status='failed'",
                      frappe.utils.add_to_date(frappe.utils.now_datetime(), minutes=-1))  # the pause is over
        self.assertEqual(site_drainer(self.runtime, concurrency=4).drain().rows, 6)
        self.assertEqual(self.statuses(), ["processed"] * 6)

    def test_a_burst_of_deliveries_wakes_one_drain_job(self):
        started = []
        gate = drain_gate()
        gate.started()
        try:
            queue = DrainQueue(gate, lambda: started.append(1))
            for payment_id in self.paid:
                queue.submit(payment_id)
            self.assertEqual(started, [1])
        finally:
            gate.started()

    def test_a_rotated_webhook_secret_applies_to_the_endpoints_next_request(self):
        gate = drain_gate()
        gate.open()  # a drain job counts as waiting: the endpoint queues nothing real during the test
        try:
            self.assertEqual(site_ingest().ingest(delivery(self.paid[0])).http_status, 200)
            self.assertIs(site_ingest(), site_ingest())  # cached while nothing changes
            settings = frappe.get_doc("Mollie Settings", ACCOUNT)
            settings.webhook_secret = new_secret = f"whsec-{uuid.uuid4().hex}"
            settings.save(ignore_permissions=True)
            self.assertEqual(site_ingest().ingest(delivery(self.paid[0])).http_status, 403)
            self.assertEqual(site_ingest().ingest(delivery(self.paid[0], new_secret)).http_status, 200)
            frappe.db.set_value("Mollie Settings", ACCOUNT, "enable_backend_api", 0)  # as a rotation job writes
            self.assertEqual(site_ingest().ingest(delivery(self.paid[0], new_secret)).http_status, 403)
        finally:
            gate.started()
