"""get_dashboard_metrics in a real site: Guest and users without a Mollie role are refused, a
viewer gets Decimal-exact figures (cached briefly) including the subscription figures from the
Mollie Subscription DocTypes, and the short route is registered."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import dashboard
from verenigingen.verenigingen_payments.api.test_accounts import PLAIN_USER, VIEWER_USER, make_user
from verenigingen.verenigingen_payments.clients import BalancesClient, ChargebacksClient
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.disputes import DisputeService
from verenigingen.verenigingen_payments.disputes.sync import ChargebackSync
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import remove_account_records
from verenigingen.verenigingen_payments.frappe_integration.common.roles import VIEWER
from verenigingen.verenigingen_payments.frappe_integration.disputes.store import FrappeDisputeStore
from verenigingen.verenigingen_payments.frappe_integration.testing import (
    emulator_account,
    make_guide_settings,
)
from verenigingen.verenigingen_payments.sandbox import MollieEmulator
from verenigingen.verenigingen_payments.subscriptions import SepaMandate, SubscriptionService
from verenigingen.verenigingen_payments.subscriptions.dates import month_of

ACCOUNT = "_Test Dashboard Account"
MEMBERS_ACCOUNT = "_Test Dashboard Members"
IBAN = "NL91ABNA0417164300"


def eur(value: str) -> dict:
    return {"value": value, "currency": "EUR"}


class TestDashboardEndpoint(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make_user(PLAIN_USER, ["Blogger"])
        make_user(VIEWER_USER, [VIEWER])
        cls.emulator = emulator_account(cls, ACCOUNT)

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

    def _enrol_members(self) -> str:
        """On an emulator of its own, moved to noon on the 1st of this Amsterdam month: A 12.50 a month
        and B 120.00 a year by SEPA (charged that day, paid on the 4th), T on a 40-day trial (starts
        next month); four days later the sync has made A and B active. Records stay uncommitted."""
        emulator = self.enterContext(MollieEmulator(scenario="association-small", seed=2))
        make_guide_settings(MEMBERS_ACCOUNT, secret_key=emulator.api_key,
                            organization_access_token=emulator.organization_token,
                            api_base_url=emulator.base_url, retry_max_attempts=1, rate_limit_requests_per_second=100)
        self.addCleanup(remove_account_records, MEMBERS_ACCOUNT)
        today = datetime.now(timezone.utc).astimezone(AMSTERDAM)
        start = datetime(today.year, today.month, 1, 12, tzinfo=AMSTERDAM)
        emulator.control.advance_clock(seconds=(start - datetime.fromisoformat(emulator.control.now())).total_seconds())
        service = SubscriptionService.for_account(
            MEMBERS_ACCOUNT, clock=lambda: datetime.fromisoformat(emulator.control.now()), sleep=lambda s: None)
        for member, amount, interval, trial in (("A", "12.50", "1 month", 0), ("B", "120.00", "12 months", 0),
                                                ("T", "12.50", "1 month", 40)):
            service.enrol(member, amount=Amount(Decimal(amount), "EUR"), interval=interval, description="Contributie",
                          mandate=SepaMandate(IBAN, member), trial_days=trial)
        emulator.control.advance_clock(days=4)
        service.sync(tracked_only=True)
        return month_of(today.date())

    def test_a_viewer_gets_the_subscription_figures_of_the_site(self):
        month = self._enrol_members()
        figures = self._as(VIEWER_USER, settings=MEMBERS_ACCOUNT, refresh=1)["subscriptions"]
        self.assertEqual(figures["counts"], {"trialing": 1, "active": 2, "past_due": 0, "canceled": 0, "expired": 0})
        # A 12.50 a month; B 120.00 / 12
        self.assertEqual(figures["mrr"], {"EUR": {"1 month": eur("12.50"), "12 months": eur("10.00"),
                                                  "total": eur("22.50")}})
        self.assertEqual(figures["movements"], {"30d": {"new": 2, "churned": 0, "reactivated": 0},
                                                "month": {"new": 2, "churned": 0, "reactivated": 0}})
        self.assertEqual(figures["period"]["month"], month)
        self.assertEqual(figures["failed_payments"], {"failed": 0, "settled": 2, "rate": "0.0000"})
        # due this month: A and B on the 1st (T starts next month, A's next charge is next month's 1st)
        self.assertEqual(figures["dues"], {"EUR": {"expected": eur("132.50"), "received": eur("132.50"),
                                                   "outstanding": eur("0.00")}})

    def test_the_member_cards_count_active_subscriptions_and_add_up_mrr_and_refuse_guest(self):
        self._enrol_members()
        frappe.db.set_value("Mollie Settings", {"name": ["!=", MEMBERS_ACCOUNT]}, "enable_backend_api", 0)
        self._as(VIEWER_USER, settings=MEMBERS_ACCOUNT, refresh=1)  # the cards read the cached figures
        frappe.set_user(VIEWER_USER)
        card = dashboard.card_active_members()
        self.assertEqual((card["value"], card["route_options"]), (2, {"status": "active"}))
        self.assertEqual(dashboard.card_mrr(), "EUR 22.50")
        frappe.set_user("Guest")
        for method in (dashboard.card_active_members, dashboard.card_mrr):
            with self.subTest(method=method.__name__), self.assertRaises(frappe.PermissionError):
                method()

    def test_short_route_is_registered(self):
        from verenigingen import hooks

        self.assertEqual(hooks.override_whitelisted_methods["get_dashboard_metrics"],
                         "verenigingen.verenigingen_payments.api.dashboard.get_dashboard_metrics")
