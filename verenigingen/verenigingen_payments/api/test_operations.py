"""Operations endpoints and the fail-fast gate in a real site (`bench run-tests --module …`)."""

from __future__ import annotations

import json

import frappe

from verenigingen.verenigingen_payments.api import operations
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.doctype.mollie_settings.test_mollie_settings import RollbackEachTest
from verenigingen.verenigingen_payments.frappe_integration.testing import make_guide_settings, site_conf

TOKEN = "test-metrics-token-0123456789abcdef"


class TestOperationsEndpoints(RollbackEachTest):
    def test_readiness_names_only_failed_checks(self):
        response = operations.readiness()
        body = json.loads(response.get_data())
        self.assertIn(response.status_code, (200, 503))
        self.assertEqual(set(body) - {"status", "unhealthy"}, set())
        if response.status_code == 503:
            accounts = set(frappe.get_all("Mollie Settings", pluck="name"))
            for name in body["unhealthy"]:
                kind, _, account = name.partition(":")
                if account:  # per-account checks name the Mollie Settings record, nothing more
                    self.assertIn(kind, {"breaker", "mollie_api"})
                    self.assertIn(account, accounts)
                else:
                    self.assertRegex(name, r"^[a-z_]+$")

    def test_liveness(self):
        self.assertEqual(json.loads(operations.liveness().get_data()), {"status": "alive"})

    def test_metrics_need_the_site_token(self):
        with site_conf(mollie_metrics_token=TOKEN):
            self.assertEqual(operations.metrics(token="wrong").status_code, 403)
            response = operations.metrics(token=TOKEN)
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"# TYPE mollie_api_requests_total counter", response.get_data())
        with site_conf(mollie_metrics_token=None):
            self.assertEqual(operations.metrics(token="").status_code, 403)


class TestFailFast(RollbackEachTest):
    def test_live_account_without_webhook_secret_stops_migrate_and_jobs(self):
        make_guide_settings("_Test Ops Live", webhook_secret="", secret_key="live_" + "a" * 30)
        job = {"job_type": "verenigingen.verenigingen_payments.workflows.reconciliation_engine.run_daily_reconciliation"}
        with site_conf(mollie_environment="production", verenigingen_encryption_keys="v1:" + "A" * 43 + "=",
                       verenigingen_encryption_keys_current=None):
            from verenigingen.utils.install import check_mollie_configuration

            with self.assertRaises(ConfigurationError) as refused:
                check_mollie_configuration()
            self.assertIn("_Test Ops Live: no webhook secret", str(refused.exception))
            with self.assertRaises(ConfigurationError):
                operations.gate_scheduled_job(method=operations.SCHEDULED_JOB_RUNNER, kwargs=job)
            operations.gate_scheduled_job(method="frappe.ping", kwargs={})  # other apps' jobs are not gated
