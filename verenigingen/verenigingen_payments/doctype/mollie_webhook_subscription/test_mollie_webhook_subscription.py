"""Mollie Webhook Subscription in a real site: `register` creates the next-gen subscription at the
emulator and keeps Mollie's signing secret encrypted; a second register updates it, keeping the secret;
only the registration writes the record."""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.clients import WebhooksClient
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import remove_account_records
from verenigingen.verenigingen_payments.frappe_integration.testing import emulator_account
from verenigingen.verenigingen_payments.frappe_integration.webhooks.registration import ping, register

ACCOUNT = "_Test Webhook Registration"


class TestMollieWebhookSubscription(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        remove_account_records(ACCOUNT)
        cls.emulator = emulator_account(cls, ACCOUNT, emulator_options={"webhook_secret": "emulator-signing-secret"})

    @classmethod
    def tearDownClass(cls):
        frappe.db.rollback()
        frappe.db.delete("Mollie Webhook Subscription", {"settings": ACCOUNT})
        frappe.db.commit()
        remove_account_records(ACCOUNT)
        super().tearDownClass()

    def tearDown(self):
        frappe.db.rollback()

    def test_register_creates_then_updates_and_keeps_the_signing_secret(self):
        created = register(ACCOUNT, url="http://127.0.0.1:9/hook", event_types=["payment.paid"])
        self.assertEqual(created.action, "created")
        doc = frappe.get_doc("Mollie Webhook Subscription", ACCOUNT)
        self.assertEqual(doc.get_password("signing_secret"), "emulator-signing-secret")
        self.assertNotIn("emulator-signing-secret", str(doc.as_dict()))
        updated = register(ACCOUNT, url="http://127.0.0.1:9/other", event_types="*")
        self.assertEqual((updated.action, updated.webhook_id), ("updated", created.webhook_id))
        self.assertEqual(WebhooksClient(ACCOUNT).get_webhook(created.webhook_id).url, "http://127.0.0.1:9/other")
        self.assertEqual(ping(ACCOUNT), created.webhook_id)

    def test_the_desk_cannot_write_the_record(self):
        with self.assertRaises(frappe.PermissionError):
            frappe.get_doc({"doctype": "Mollie Webhook Subscription", "settings": ACCOUNT}).insert(ignore_permissions=True)
