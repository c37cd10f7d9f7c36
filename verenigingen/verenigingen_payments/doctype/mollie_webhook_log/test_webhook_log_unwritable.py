"""The site's webhook endpoint when its log row cannot be written: a second database connection holds a
read lock on the Mollie Webhook Log table (as a long backup or a stuck migration would), so the
endpoint's insert gives up after the session's lock wait. Mollie gets 503 with Retry-After and no row
is left; once the lock is gone, Mollie's retry is logged and processed exactly once, and a further
retry (as if our 200 were lost) applies nothing twice. The lock and the session's lock wait are undone
at the end; the test's rows are rolled back."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

import frappe
from werkzeug.test import EnvironBuilder

from verenigingen.utils.payment_gateways import mollie_webhook
from verenigingen.verenigingen_payments.doctype.mollie_webhook_log.test_mollie_webhook_log import (
    WebhookAccountTestCase,
)
from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import site_runtime
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus
from verenigingen.verenigingen_payments.webhooks import WebhookSettings

LOG = "Mollie Webhook Log"
SECRET = f"whsec-outage-{uuid.uuid4().hex}"


@contextmanager
def log_table_read_locked():
    """A second connection (the site's own settings) holding `LOCK TABLES … READ` on the log table."""
    other = frappe.db.get_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("set session lock_wait_timeout = 10")
            cursor.execute(f"lock tables `tab{LOG}` read")
        yield
    finally:
        with other.cursor() as cursor:
            cursor.execute("unlock tables")
        other.close()


class TestWebhookLogUnwritable(WebhookAccountTestCase):
    account = "_Test Webhook Log Unwritable"
    secret = SECRET

    def setUp(self):
        frappe.db.rollback()  # this connection must hold no lock on the log table when the other one locks it
        self.lock_wait = frappe.db.sql("select @@session.lock_wait_timeout")[0][0]
        frappe.db.sql("set session lock_wait_timeout = 1")

    def tearDown(self):
        frappe.db.rollback()
        frappe.db.sql("set session lock_wait_timeout = %s", (self.lock_wait,))
        frappe.local.request = None
        frappe.set_user("Administrator")

    def deliver(self):
        builder = EnvironBuilder(method="POST", path="/api/method/verenigingen.utils.payment_gateways.mollie_webhook",
                                 query_string={"secret": SECRET}, data=f"id={self.payment_id}",
                                 content_type="application/x-www-form-urlencoded")
        frappe.local.request = builder.get_request()
        frappe.local.request_ip = "198.51.100.7"
        frappe.set_user("Guest")
        try:
            return mollie_webhook()
        finally:
            frappe.set_user("Administrator")

    def rows(self) -> list[frappe._dict]:
        return frappe.get_all(LOG, filters={"resource_id": self.payment_id, "account": self.account},
                              fields=["name", "status"], order_by="received_at asc, name asc")

    def process_received(self) -> None:
        processor = site_runtime(store=FrappeWebhookLogStore(commit=False)).processor
        for row in self.rows():
            if row.status == WebhookStatus.RECEIVED.value:
                processor.process(row.name)

    def test_an_unwritable_log_answers_503_with_retry_after_and_the_retry_is_processed_once(self):
        with log_table_read_locked():
            during = self.deliver()
        self.assertEqual(during.status_code, 503, during.get_data(as_text=True))
        self.assertEqual(during.headers.get("Retry-After"), str(WebhookSettings().unavailable_retry_after_seconds))
        self.assertEqual(during.get_json(), {"status": "unavailable"})
        self.assertEqual(self.rows(), [])

        retry = self.deliver()
        self.assertEqual(retry.status_code, 200, retry.get_data(as_text=True))
        self.process_received()
        again = self.deliver()  # Mollie again, as if our 200 had been lost on the way
        self.assertEqual(again.status_code, 200, again.get_data(as_text=True))
        self.process_received()

        statuses = [row.status for row in self.rows()]
        self.assertEqual(sorted(statuses), [WebhookStatus.DUPLICATE.value, WebhookStatus.PROCESSED.value])
        self.assertEqual(frappe.db.count("Mollie Payment", {"name": f"{self.account}:{self.payment_id}"}), 1)
