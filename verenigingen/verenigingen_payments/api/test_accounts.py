"""The account endpoints in a real site: role checks first, typed errors as HTTP statuses, real answers.

The happy paths talk over HTTP to the project's Mollie API emulator, started in this process.
"""

from __future__ import annotations

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import accounts
from verenigingen.verenigingen_payments.api.conventions import (
    MollieNotConfiguredError,
    MollieRejectedCredentialsError,
    MollieUnavailableError,
)
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGER, VIEWER
from verenigingen.verenigingen_payments.frappe_integration.testing import make_guide_settings, site_conf
from verenigingen.verenigingen_payments.sandbox import MollieEmulator
from verenigingen.verenigingen_payments.frappe_integration.testing import make_test_user, remove_test_users

ACCOUNT = "_Test Emulator Account"
PLAIN_USER = "mollie-plain@example.com"
VIEWER_USER = "mollie-viewer@example.com"
MANAGER_USER = "mollie-manager@example.com"


def make_user(email: str, roles: list[str]) -> str:
    return make_test_user(email, roles)


class TestAccountEndpoints(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = cls.enterClassContext(MollieEmulator(scenario="association-small", seed=1))
        cls.enterClassContext(site_conf(mollie_allow_custom_api_base_url=1))
        make_user(PLAIN_USER, ["Blogger"])
        make_user(VIEWER_USER, [VIEWER])
        make_user(MANAGER_USER, [MANAGER])
        make_guide_settings(
            ACCOUNT,
            secret_key=cls.emulator.api_key,
            organization_access_token=cls.emulator.organization_token,
            api_base_url=cls.emulator.base_url,
        )

    def tearDown(self):
        frappe.set_user("Administrator")

    def _as(self, user: str, func, **kwargs):
        frappe.set_user(user)
        try:
            return func(**kwargs)
        finally:
            frappe.set_user("Administrator")

    def test_guest_and_users_without_a_mollie_role_are_refused(self):
        for user in ("Guest", PLAIN_USER):
            for endpoint in (accounts.get_account_balance, accounts.test_connection):
                with self.subTest(user=user, endpoint=endpoint.__name__):
                    with self.assertRaises(frappe.PermissionError):
                        self._as(user, endpoint, settings=ACCOUNT)

    def test_a_viewer_reads_balances_but_may_not_run_the_connection_test(self):
        result = self._as(VIEWER_USER, accounts.get_account_balance, settings=ACCOUNT)
        self.assertEqual(result["settings"], ACCOUNT)
        self.assertTrue(result["balances"])
        for balance in result["balances"]:
            amount = balance["available_amount"]
            self.assertIsInstance(amount["value"], str)
            self.assertEqual(amount["currency"], balance["currency"])
        with self.assertRaises(frappe.PermissionError):
            self._as(VIEWER_USER, accounts.test_connection, settings=ACCOUNT)

    def test_balance_values_are_exact_decimal_strings(self):
        from decimal import Decimal

        result = self._as(VIEWER_USER, accounts.get_account_balance, settings=ACCOUNT)
        for balance in result["balances"]:
            value = balance["available_amount"]["value"]
            self.assertEqual(str(Decimal(value)), value)

    def test_a_manager_runs_the_connection_test_and_the_outcome_is_recorded(self):
        report = self._as(MANAGER_USER, accounts.test_connection, settings=ACCOUNT)
        self.assertEqual(report["status"], "Connected", report)
        self.assertEqual(
            {(c["credential"], c["resource"]) for c in report["checks"]},
            {
                ("API key", "payments"),
                ("Organization access token", "organization"),
                ("Organization access token", "balances"),
            },
        )
        status, last_ok = frappe.db.get_value(
            "Mollie Settings", ACCOUNT, ["connection_status", "last_successful_connection"]
        )
        self.assertEqual(status, "Connected")
        self.assertIsNotNone(last_ok)
        self.assertNotIn(self.emulator.api_key, frappe.as_json(report))

    def test_a_rejected_token_is_reported_per_credential_without_the_secret(self):
        make_guide_settings(
            "_Test Wrong Token",
            secret_key=self.emulator.api_key,
            organization_access_token="access_wrongtoken0000000000000000000000",
            api_base_url=self.emulator.base_url,
        )
        report = accounts.test_connection(settings="_Test Wrong Token")
        self.assertEqual(report["status"], "Partially Connected")
        failed = [c for c in report["checks"] if not c["ok"]]
        self.assertEqual({c["error_type"] for c in failed}, {"AuthenticationError"})
        self.assertNotIn("access_wrongtoken", frappe.as_json(report))
        with self.assertRaises(MollieRejectedCredentialsError) as caught:
            accounts.get_account_balance(settings="_Test Wrong Token")
        self.assertEqual(caught.exception.http_status_code, 502)
        self.assertNotIn("access_wrongtoken", str(caught.exception))

    def test_switching_the_backend_api_off_stops_every_call(self):
        make_guide_settings(
            "_Test Switched Off",
            enable_backend_api=0,
            secret_key=self.emulator.api_key,
            organization_access_token=self.emulator.organization_token,
            api_base_url=self.emulator.base_url,
        )
        before = len(self.emulator.control.request_log())
        with self.assertRaises(MollieNotConfiguredError) as caught:
            accounts.get_account_balance(settings="_Test Switched Off")
        self.assertEqual(caught.exception.http_status_code, 409)
        self.assertIn("disabled", str(caught.exception))
        report = accounts.test_connection(settings="_Test Switched Off")
        self.assertEqual(report["status"], "Failed")
        self.assertEqual(
            len(self.emulator.control.request_log()), before, "a switched-off account must not reach Mollie"
        )

    def test_an_unreachable_api_is_a_503_without_a_stack_trace(self):
        make_guide_settings(
            "_Test Unreachable",
            secret_key=self.emulator.api_key,
            organization_access_token=self.emulator.organization_token,
            api_base_url="http://127.0.0.1:9/v2",
            retry_max_attempts=1,
        )
        with self.assertRaises(MollieUnavailableError) as caught:
            accounts.get_account_balance(settings="_Test Unreachable")
        self.assertEqual(caught.exception.http_status_code, 503)
        self.assertTrue(frappe.local.flags.disable_traceback)

    def test_an_unknown_account_is_a_404_and_a_missing_name_asks_for_one(self):
        with self.assertRaises(frappe.DoesNotExistError):
            accounts.get_account_balance(settings="_Test No Such Account")
        with self.assertRaises(frappe.ValidationError) as caught:
            accounts.get_account_balance()
        self.assertIn("settings", str(caught.exception))


tearDownModule = remove_test_users
