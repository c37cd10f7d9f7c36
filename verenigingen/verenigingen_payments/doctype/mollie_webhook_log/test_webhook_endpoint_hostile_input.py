"""The site's webhook endpoint under hostile input: a seeded corpus of random and malformed deliveries,
classic and next-gen, goes through `mollie_webhook()` as a request would. Every one gets a clear 4xx (or
the 200 a valid delivery gets), never a 5xx; every row it leaves is one a worker processes without
failing; and the webhook secret appears in no row, no Error Log and no log line of the app."""

from __future__ import annotations

import json
import logging
import random
import uuid

import frappe
from werkzeug.test import EnvironBuilder

from verenigingen.utils.payment_gateways import mollie_webhook
from verenigingen.verenigingen_payments.doctype.mollie_webhook_log.test_mollie_webhook_log import (
    WebhookAccountTestCase,
)
from verenigingen.verenigingen_payments.frappe_integration.testing import fuzz_budget
from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import site_runtime
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.sandbox.hostile_webhooks import ACCEPT, REFUSE, hostile_webhook_corpus
from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus

ACCOUNT = "_Test Hostile Webhooks"
SECRET = f"whsec-canary-{uuid.uuid4().hex}"
LOG = "Mollie Webhook Log"


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(logging.Formatter().format(record))


class TestHostileDeliveriesInSite(WebhookAccountTestCase):
    account = ACCOUNT
    secret = SECRET

    def setUp(self):
        self.logs = _Lines()
        root = logging.getLogger()
        self.saved_level = root.level
        root.addHandler(self.logs)
        root.setLevel(logging.DEBUG)
        self.rows_before = set(frappe.get_all(LOG, pluck="name"))
        self.errors_before = set(frappe.get_all("Error Log", pluck="name"))

    def tearDown(self):
        logging.getLogger().removeHandler(self.logs)
        logging.getLogger().setLevel(self.saved_level)
        frappe.db.rollback()
        frappe.local.request = None
        frappe.set_user("Administrator")

    def deliver(self, case) -> int:
        builder = EnvironBuilder(method=case.method, path="/api/method/verenigingen.utils.payment_gateways.mollie_webhook",
                                 query_string=case.query, data=case.body, headers=case.headers,
                                 content_type=case.content_type)
        frappe.local.request = builder.get_request()
        frappe.local.request_ip = f"198.51.100.{random.Random(case.label).randrange(1, 250)}"
        frappe.set_user("Guest")
        try:
            return mollie_webhook().status_code
        finally:
            frappe.set_user("Administrator")

    def test_every_hostile_delivery_gets_a_clear_answer_and_leaves_workable_rows(self):
        answers = {}
        for case in hostile_webhook_corpus(seed=16, secret=SECRET, payment_id=self.payment_id, count=fuzz_budget()):
            answers[case.label] = (self.deliver(case), case.expect)
        server_errors = {label: status for label, (status, _) in answers.items() if status >= 500}
        tracebacks = [line for line in self.logs.lines if "Traceback" in line]
        print(f"\nclassic+next-gen webhook endpoint in a site: {len(answers)} deliveries, "
              f"{len(server_errors)} 5xx, {len(tracebacks)} tracebacks logged")
        self.assertEqual(server_errors, {})
        wrong = {label: status for label, (status, expect) in answers.items()
                 if (expect == ACCEPT and status != 200) or (expect == REFUSE and not 400 <= status < 500)}
        self.assertEqual(wrong, {})
        self.assertIn(ACCEPT, {expect for _, expect in answers.values()})

        new_rows = [r for r in frappe.get_all(LOG, fields=["name", "status"]) if r.name not in self.rows_before]
        processor = site_runtime(store=FrappeWebhookLogStore(commit=False)).processor
        outcomes = {r.name: processor.process(r.name) for r in new_rows
                    if r.status == WebhookStatus.RECEIVED.value}
        self.assertTrue(outcomes)
        self.assertFalse([name for name, status in outcomes.items() if status == WebhookStatus.FAILED],
                         "rows a worker could not process")

        stored = json.dumps(frappe.get_all(LOG, fields=["*"], filters={"name": ["in", [r.name for r in new_rows]]}),
                            default=str)
        self.assertNotIn(SECRET, stored)
        errors = frappe.get_all("Error Log", fields=["*"])
        self.assertNotIn(SECRET, json.dumps([e for e in errors if e.name not in self.errors_before], default=str))
        self.assertNotIn(SECRET, "\n".join(self.logs.lines))
