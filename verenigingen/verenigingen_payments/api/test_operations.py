"""Operations endpoints and the fail-fast gate in a real site (`bench run-tests --module …`)."""

from __future__ import annotations

import json

import frappe

from verenigingen.verenigingen_payments.api import operations
from verenigingen.verenigingen_payments.api.operations_site import config_problems
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.doctype.mollie_settings.test_mollie_settings import RollbackEachTest
from verenigingen.verenigingen_payments.frappe_integration.settings import job_gate
from verenigingen.verenigingen_payments.frappe_integration.settings.provider import FrappeSettingsProvider
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


KEYS = {"verenigingen_encryption_keys": "v1:" + "A" * 43 + "=", "verenigingen_encryption_keys_current": None}
RECONCILE = "verenigingen.verenigingen_payments.workflows.reconciliation_engine.run_daily_reconciliation"
RECONCILE_JOB = "verenigingen.verenigingen_payments.frappe_integration.reconciliation.jobs.reconcile_account_job"


class TestFailFast(RollbackEachTest):
    """Issue 23: a configuration problem never stops `bench migrate`; the jobs of a refused account do
    not run, with one Error Log entry per account and day; check-config names every problem."""

    def tearDown(self):
        frappe.flags.pop(job_gate.REFUSED_IN_JOB, None)
        super().tearDown()

    def test_migrate_prints_the_problems_and_does_not_fail(self):
        make_guide_settings("_Test Ops Live", webhook_secret="", secret_key="live_" + "a" * 30)
        from verenigingen.utils.install import after_migrate, report_mollie_configuration

        with site_conf(mollie_environment=None, verenigingen_encryption_keys=None,
                       verenigingen_encryption_keys_current=None):
            after_migrate()  # the original guide sets neither key: the migrate still succeeds
            problems = report_mollie_configuration()
        self.assertIn("_Test Ops Live: no webhook secret (webhook_secret): webhooks could not be authenticated",
                      problems)
        self.assertIn("_Test Ops Live: no field encryption key (verenigingen_encryption_keys in site_config.json)",
                      problems)

    def test_refused_account_is_logged_once_a_day_and_left_out_of_the_jobs(self):
        make_guide_settings("_Test Ops Live", webhook_secret="", secret_key="live_" + "a" * 30)
        make_guide_settings("_Test Ops Good", secret_key="live_" + "b" * 30)
        job = {"job_type": RECONCILE}
        title = job_gate.refusal_title("_Test Ops Live")
        with site_conf(mollie_environment="production", **KEYS):
            for _run in range(3):
                operations.gate_scheduled_job(method=operations.SCHEDULED_JOB_RUNNER, kwargs=job)
            enabled = FrappeSettingsProvider().enabled_accounts()
            self.assertIn("_Test Ops Good", enabled)
            self.assertNotIn("_Test Ops Live", enabled)
            with self.assertRaises(ConfigurationError):
                operations.gate_scheduled_job(method=RECONCILE_JOB, kwargs={"account": "_Test Ops Live"})
            operations.gate_scheduled_job(method=RECONCILE_JOB, kwargs={"account": "_Test Ops Good"})
            operations.gate_scheduled_job(method="frappe.ping", kwargs={})  # other apps' jobs are not gated
        self.assertEqual(frappe.db.count("Error Log", {"method": title}), 1)
        self.assertFalse(frappe.db.exists("Error Log", {"method": job_gate.refusal_title("_Test Ops Good")}))

    def test_check_config_names_disabled_accounts_and_missing_registrations(self):
        make_guide_settings("_Test Ops Off", enable_backend_api=0)
        make_guide_settings("_Test Ops On", secret_key="live_" + "c" * 30)
        with site_conf(mollie_environment="production", **KEYS):
            problems = [str(p) for p in config_problems()]
        self.assertIn("_Test Ops Off: the account is disabled (enable_backend_api is off): its jobs and endpoints "
                      "refuse it", problems)
        self.assertIn("_Test Ops On: no webhook registration at Mollie: run `mollie webhooks register --settings "
                      "_Test Ops On`", problems)
        self.assertEqual([p for p in problems if p.startswith("_Test Ops On: the account is disabled")], [])
