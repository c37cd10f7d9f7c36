"""get_dashboard_metrics and the workspace's cards in a real site: Guest and users without a Mollie
role are refused, a viewer gets Decimal-exact figures (cached briefly) including the subscription
figures from the Mollie Subscription DocTypes, totals over the enabled accounts that say which
account could not be read, and the short route is registered."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.verenigingen_payments.api import dashboard
from verenigingen.verenigingen_payments.api.test_accounts import PLAIN_USER, VIEWER_USER, make_user
from verenigingen.verenigingen_payments.clients import BalancesClient, ChargebacksClient, SettlementsClient
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.disputes import DisputeService
from verenigingen.verenigingen_payments.disputes.sync import ChargebackSync
from verenigingen.verenigingen_payments.doctype.dispute_case.test_dispute_case import remove_account_records
from verenigingen.verenigingen_payments.frappe_integration.common.roles import VIEWER
from verenigingen.verenigingen_payments.frappe_integration.disputes.store import FrappeDisputeStore
from verenigingen.verenigingen_payments.frappe_integration.testing import (
    card_says,
    emulator_account,
    make_guide_settings,
    only_enabled,
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

    def setUp(self):
        only_enabled(ACCOUNT)

    def tearDown(self):
        frappe.set_user("Administrator")
        frappe.db.rollback()

    def _second_account(self, name: str, **credentials) -> str:
        """Another enabled account on the same emulator; its figures computed afresh."""
        make_guide_settings(name, **{"secret_key": self.emulator.api_key,
                                     "organization_access_token": self.emulator.organization_token,
                                     "api_base_url": self.emulator.base_url, "retry_max_attempts": 1,
                                     **credentials})
        self._as("Administrator", settings=name, refresh=1)
        return name

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
        balance = BalancesClient(ACCOUNT).get_primary_balance().available_amount.value
        frappe.set_user(VIEWER_USER)
        card = dashboard.card_available_balance()
        self.assertEqual(card_says(card), (f"EUR {balance:,}", None))
        self.assertTrue(card.startswith('<a href="/app/query-report/Mollie%20Balance%20Overview"'))
        self.assertRegex(card_says(dashboard.card_fee_rate_30d())[0], r"^(no payments in 30 days|\d+\.\d\d%)$")
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            dashboard.card_volume_30d()

    def test_the_cards_add_up_every_enabled_account(self):
        self._second_account(f"{ACCOUNT} 2")
        balance = BalancesClient(ACCOUNT).get_primary_balance().available_amount.value
        frappe.set_user(VIEWER_USER)
        self.assertEqual(card_says(dashboard.card_available_balance()), (f"EUR {2 * balance:,}", None))
        self.assertEqual(card_says(dashboard.card_volume_30d()), ("not synced yet", None))  # not EUR 0.00
        self.assertRegex(card_says(dashboard.card_fee_rate_30d())[0], r"^(no payments in 30 days|\d+\.\d\d%)$")

    def test_an_unreadable_account_makes_the_totals_partial_and_is_named(self):
        """A rejected key (Mollie answers 401): the cards and the JSON add up the account that could be
        read, say the total is partial and name the other."""
        bad = self._second_account(f"{ACCOUNT} bad key", secret_key="test_" + "x" * 30,
                                   organization_access_token="access_" + "x" * 40)
        balance = BalancesClient(ACCOUNT).get_primary_balance().available_amount.value
        upcoming = SettlementsClient(ACCOUNT).get_next().amount.value
        totals = self._as(VIEWER_USER, settings=ACCOUNT)["totals"]
        self.assertEqual(totals["available"]["EUR"], {"total": eur(f"{balance:f}"), "complete": False,
                                                      "accounts": [ACCOUNT], "missing": [bad]})
        self.assertEqual((totals["next_payout"]["EUR"]["missing"], totals["complete"]), ([bad], False))
        self.assertEqual(self._as(VIEWER_USER, settings=bad)["totals"], totals)
        frappe.set_user(VIEWER_USER)
        self.assertEqual(card_says(dashboard.card_available_balance()), (f"EUR {balance:,}", f"partial: {bad} not read"))
        amount, note = card_says(dashboard.card_next_payout())
        self.assertEqual(amount, f"EUR {upcoming:,}")
        self.assertTrue(note.endswith(f" · partial: {bad} not read"), note)

    def test_the_next_payout_card_shows_mollies_next_settlement_and_its_expected_day(self):
        upcoming = SettlementsClient(ACCOUNT).get_next().amount.value
        expected = self._as(VIEWER_USER, settings=ACCOUNT, refresh=1)["next_settlement"]["expected_payout"]
        day = datetime.fromisoformat(expected).astimezone(AMSTERDAM).date()
        frappe.set_user(VIEWER_USER)
        card = dashboard.card_next_payout()
        amount, note = card_says(card)
        self.assertEqual(amount, f"EUR {upcoming:,}")
        self.assertRegex(note, rf"^(expected|was due) about {day}$")
        self.assertIn('href="/app/query-report/Settlement%20Reconciliation"', card)

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
        frappe.set_user(VIEWER_USER)
        self.assertEqual(dashboard.card_active_members(), "no subscriptions yet")
        self.assertIn(">no subscriptions yet<", dashboard.card_mrr())
        frappe.set_user("Administrator")
        self._enrol_members()
        only_enabled(MEMBERS_ACCOUNT)
        self._as(VIEWER_USER, settings=MEMBERS_ACCOUNT, refresh=1)  # the cards read the cached figures
        frappe.set_user(VIEWER_USER)
        card = dashboard.card_active_members()
        self.assertEqual((card["value"], card["route_options"]), (2, {"status": "active"}))
        self.assertEqual(card_says(dashboard.card_mrr()), ("EUR 22.50", None))
        frappe.set_user("Guest")
        for method in (dashboard.card_active_members, dashboard.card_mrr):
            with self.subTest(method=method.__name__), self.assertRaises(frappe.PermissionError):
                method()

    def test_short_route_is_registered(self):
        from verenigingen import hooks

        self.assertEqual(hooks.override_whitelisted_methods["get_dashboard_metrics"],
                         "verenigingen.verenigingen_payments.api.dashboard.get_dashboard_metrics")
