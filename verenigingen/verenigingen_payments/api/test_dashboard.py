"""get_dashboard_metrics in a real site: Guest and users without a Mollie role are refused, a
viewer gets Decimal-exact figures (cached briefly), and the short route is registered."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import dashboard
from verenigingen.verenigingen_payments.api.test_accounts import PLAIN_USER, VIEWER_USER, make_user
from verenigingen.verenigingen_payments.clients import BalancesClient, ChargebacksClient
from verenigingen.verenigingen_payments.disputes import DisputeService
from verenigingen.verenigingen_payments.disputes.sync import ChargebackSync
from verenigingen.verenigingen_payments.doctype.dispute_case.dispute_case_store import FrappeDisputeStore
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import remove_account_records
from verenigingen.verenigingen_payments.doctype.mollie_settings.test_mollie_settings import (
    make_guide_settings,
    site_conf,
)
from verenigingen.verenigingen_payments.frappe_integration.roles import VIEWER
from verenigingen.verenigingen_payments.sandbox import MollieEmulator

ACCOUNT = "_Test Dashboard Account"


class TestDashboardEndpoint(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = cls.enterClassContext(MollieEmulator(scenario="association-small", seed=1))
        cls.enterClassContext(site_conf(mollie_allow_custom_api_base_url=1))
        make_user(PLAIN_USER, ["Blogger"])
        make_user(VIEWER_USER, [VIEWER])
        if frappe.db.exists("Mollie Settings", ACCOUNT):
            frappe.delete_doc("Mollie Settings", ACCOUNT, force=True)
        make_guide_settings(ACCOUNT, secret_key=cls.emulator.api_key,
                            organization_access_token=cls.emulator.organization_token,
                            api_base_url=cls.emulator.base_url, retry_max_attempts=1)
        frappe.db.commit()

    @classmethod
    def tearDownClass(cls):
        remove_account_records(ACCOUNT)
        super().tearDownClass()

    def tearDown(self):
        frappe.set_user("Administrator")
        frappe.db.rollback()

    def _as(self, user, **kwargs):
        frappe.set_user(user)
        try:
            return dashboard.get_dashboard_metrics(**kwargs)
        finally:
            frappe.set_user("Administrator")

    def test_guest_and_plain_users_are_refused(self):
        for user in ("Guest", PLAIN_USER):
            with self.subTest(user=user), self.assertRaises(frappe.PermissionError):
                self._as(user, settings=ACCOUNT)

    def test_a_viewer_gets_exact_figures_and_repeat_calls_are_cached(self):
        now = datetime.fromisoformat(self.emulator.control.now())
        ChargebackSync(DisputeService(FrappeDisputeStore()), ACCOUNT, clock=lambda: now).sync()
        first = self._as(VIEWER_USER, settings=ACCOUNT, refresh=1)
        balance = BalancesClient(ACCOUNT).get_primary_balance()
        self.assertEqual(first["balances"][0]["available"],
                         {"value": f"{balance.available_amount.value:f}", "currency": "EUR"})
        self.assertEqual(first["disputes"]["open"], len(ChargebacksClient(ACCOUNT).list_chargebacks()))
        self.assertIsInstance(Decimal(first["fees"]["90d"]["EUR"]["fees"]["value"]), Decimal)
        self.assertFalse(first["cached"])
        self.assertTrue(self._as(VIEWER_USER, settings=ACCOUNT)["cached"])

    def test_number_cards_show_exact_text_and_refuse_guest(self):
        frappe.db.set_value("Mollie Settings", {"name": ["!=", ACCOUNT]}, "enable_backend_api", 0)
        balance = BalancesClient(ACCOUNT).get_primary_balance().available_amount.value
        frappe.set_user(VIEWER_USER)
        self.assertEqual(dashboard.card_available_balance(), f"EUR {balance:,}")
        self.assertRegex(dashboard.card_fee_rate_30d(), r"^(n/a|\d+\.\d\d%)$")
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            dashboard.card_volume_30d()

    def test_the_cards_add_up_every_enabled_account(self):
        second = f"{ACCOUNT} 2"
        frappe.db.set_value("Mollie Settings", {"name": ["!=", ACCOUNT]}, "enable_backend_api", 0)
        make_guide_settings(second, secret_key=self.emulator.api_key,
                            organization_access_token=self.emulator.organization_token,
                            api_base_url=self.emulator.base_url, retry_max_attempts=1)
        balance = BalancesClient(ACCOUNT).get_primary_balance().available_amount.value
        frappe.set_user(VIEWER_USER)
        self.assertEqual(dashboard.card_available_balance(), f"EUR {2 * balance:,}")
        self.assertRegex(dashboard.card_volume_30d(), r"^EUR \d[\d,]*\.\d\d$")
        self.assertRegex(dashboard.card_fee_rate_30d(), r"^(n/a|\d+\.\d\d%)$")

    def test_the_key_rotation_card_counts_the_accounts_due_and_refuses_guest(self):
        frappe.db.set_value("Mollie Settings", ACCOUNT, {"api_key_rotation_days": 30,
                                                        "secret_key_rotated_at": "2020-01-01 00:00:00"})
        frappe.set_user(VIEWER_USER)
        card = dashboard.card_keys_due_for_rotation()
        self.assertIn(ACCOUNT, card["route_options"]["name"][1])
        self.assertEqual(card["value"], len(card["route_options"]["name"][1]))
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            dashboard.card_keys_due_for_rotation()

    def test_short_route_is_registered(self):
        from verenigingen import hooks

        self.assertEqual(hooks.override_whitelisted_methods["get_dashboard_metrics"],
                         "verenigingen.verenigingen_payments.api.dashboard.get_dashboard_metrics")
