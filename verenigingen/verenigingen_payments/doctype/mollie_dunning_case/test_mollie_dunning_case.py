"""Collections in a real site, end to end over HTTP against the emulator: the daily job, day after day
of the emulator's clock, on the DocType-backed store — seeded failed debits and chargebacks by reason
code become Mollie Dunning Cases with the right decisions (every one scored against the ground truth),
each retry goes out once (the request log and Mollie's payments prove one charge per member per
period, and a second run of a day changes nothing), reminders are rows on Frappe's email queue rendered
from the staff template, a member whose address bounced is an exception on the desk and the others go
on, and the report, the cards and the dashboard show the same figures. Plus the compare-and-set of
`save_case` between two real database connections."""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import frappe
from frappe.tests.utils import FrappeTestCase

from verenigingen.commands.collections import case_rows, case_table
from verenigingen.verenigingen_payments.api import collections as collections_api
from verenigingen.verenigingen_payments.api.dashboard import get_dashboard_metrics
from verenigingen.verenigingen_payments.cli.collections_run import charge_proof
from verenigingen.verenigingen_payments.clients import CustomersClient
from verenigingen.verenigingen_payments.collection.dunning import (
    DUE, PAID, REMINDER_1, REMINDED, RETRY_SCHEDULED, ConcurrentChange, DunningCase, Transition,
)
from verenigingen.verenigingen_payments.collection.figures import monthly_figures
from verenigingen.verenigingen_payments.collection.scoring import score_decisions
from verenigingen.verenigingen_payments.collection.store import EXCEPTION
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.disputes.reason_codes import explain_reason
from verenigingen.verenigingen_payments.frappe_integration.collections import figures
from verenigingen.verenigingen_payments.frappe_integration.collections.jobs import run_collections_daily
from verenigingen.verenigingen_payments.frappe_integration.collections.store import (
    CASE, NOTICE, TRANSITION, FrappeCollectionStore,
)
from verenigingen.verenigingen_payments.frappe_integration.settings.provider import FrappeSettingsProvider
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import to_site_naive
from verenigingen.verenigingen_payments.frappe_integration.testing import card_says, emulator_account
from verenigingen.verenigingen_payments.report.collections import collections as report

ACCOUNT = "_Test Collections Account"
CREDITOR = "NL69ZZZ123456780000"
DAYS = 70
COLLECTIONS = {"enable_collections": 1, "creditor_id": CREDITOR, "collections_association": "Vereniging De Eendracht",
               "collections_contact": "penningmeester@example.org",
               "payment_redirect_url": "https://example.org/contributie/bedankt", "rate_limit_requests_per_second": 100}

test_ignore = ["User"]


def remove_collections_records(account: str, since: datetime) -> None:
    """The account's cases, transitions, notifications, the email queue rows and error logs of the run, and
    the account itself; committed."""
    frappe.db.rollback()
    cases = frappe.get_all(CASE, filters={"settings_name": account}, pluck="name")
    if cases:
        frappe.db.delete(TRANSITION, {"parent": ["in", cases], "parenttype": CASE})
    frappe.db.delete(CASE, {"settings_name": account})
    frappe.db.delete(NOTICE, {"settings_name": account})
    queued = frappe.get_all("Email Queue", filters={"creation": [">=", since]}, pluck="name")
    if queued:
        frappe.db.delete("Email Queue Recipient", {"parent": ["in", queued]})
        frappe.db.delete("Email Queue", {"name": ["in", queued]})
    frappe.db.delete("Error Log", {"creation": [">=", since]})
    if frappe.db.exists("Mollie Settings", account):
        frappe.delete_doc("Mollie Settings", account, force=True, ignore_permissions=True)
    frappe.db.commit()


def _queued_to(address: str) -> list:
    names = frappe.get_all("Email Queue Recipient", filters={"recipient": address}, pluck="parent")
    return [frappe.get_doc("Email Queue", name) for name in names]


class CollectionsSiteCase(FrappeTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.started = frappe.utils.now_datetime()
        cls._muted = frappe.flags.mute_emails
        frappe.flags.mute_emails = True  # no SMTP in a test site: Frappe queues to a stand-in account
        cls.emulator = emulator_account(cls, ACCOUNT, **COLLECTIONS)

    @classmethod
    def tearDownClass(cls):
        frappe.flags.mute_emails = cls._muted
        remove_collections_records(ACCOUNT, cls.started)
        super().tearDownClass()

    def tearDown(self):
        frappe.db.rollback()
        frappe.set_user("Administrator")


class TestCollectionsJob(CollectionsSiteCase):
    """One run of the job over DAYS days of the emulator's clock; the tests read what it left."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        control = cls.emulator.control
        follow_from = to_site_naive(datetime.fromisoformat(control.now()))
        frappe.db.set_value("Mollie Settings", ACCOUNT, "collections_from", follow_from)  # the scenario's today
        frappe.db.commit()
        cls.truth = control.seed_collections(count=24, seed=3)
        customers = CustomersClient(ACCOUNT)
        contacted = sorted((t for t in cls.truth if t["decisions"] == ["contact"]), key=lambda t: t["paysLink"])[0]
        cls.bounced_member = contacted["memberReference"]
        cls.bounced_email = customers.get_customer(contacted["customerId"]).email
        _bounced_earlier(cls.bounced_email)
        cls.results, cls.replays = [], []
        pays = {(t["memberReference"], t["period"]) for t in cls.truth
                if t["paysLink"] and t["memberReference"] != cls.bounced_member}  # the bounced member never read it
        paid_links = set()
        for day in range(DAYS):
            now = datetime.fromisoformat(control.now())
            cls.results.append(run_collections_daily([ACCOUNT], clock=lambda: now)[ACCOUNT])
            if day in (20, 40):  # the scheduler running the same day again (a retry, a second worker)
                cls.replays.append(_footprint())
                run_collections_daily([ACCOUNT], clock=lambda: now)
                cls.replays.append(_footprint())
            for case in frappe.get_all(CASE, filters={"settings_name": ACCOUNT, "state": ["in", list(REMINDED)],
                                                      "link_id": ["is", "set"]},
                                       fields=["member_reference", "period", "link_id"]):
                if (case.member_reference, case.period) in pays and case.link_id not in paid_links:
                    control.trigger("payment-link.pay", case.link_id)
                    paid_links.add(case.link_id)
            control.advance_clock(days=1)
        cls.store = FrappeCollectionStore(commit=False)

    def test_every_failed_collection_is_a_case_with_the_right_decisions(self):
        cases = self.store.list_cases(ACCOUNT)
        self.assertEqual({(c.member_reference, c.period) for c in cases},
                         {(t["memberReference"], t["period"]) for t in self.truth})
        score = score_decisions(self.store.transitions(ACCOUNT), self.truth)
        self.assertTrue(score.every_decision_right, (score.wrong, score.unexpected))
        self.assertGreaterEqual(score.expected, 24)
        doc = frappe.get_doc(CASE, frappe.get_all(CASE, filters={"settings_name": ACCOUNT, "reason_code": "AM04"},
                                                  pluck="name", limit=1)[0])
        self.assertEqual(doc.reason, "Insufficient funds")
        self.assertEqual([t.from_state for t in doc.transitions][:2], ["", DUE])
        self.assertEqual(doc.transitions[1].to_state, RETRY_SCHEDULED)
        self.assertIn("AM04", doc.transitions[1].cause)
        for case in cases:
            expected = next(t for t in self.truth if (t["memberReference"], t["period"]) == case.key[1:])
            pays = expected["paysLink"] and case.member_reference != self.bounced_member
            self.assertEqual(case.state == PAID, expected["recoveredByRetry"] or pays, case)

    def test_each_retry_went_out_once_and_no_period_was_charged_twice(self):
        config = FrappeSettingsProvider().get_config(ACCOUNT)
        proof = charge_proof(self.emulator.control.request_log(), config, self.store)
        self.assertTrue(proof.holds, proof)
        self.assertGreater(proof.keys, 0)
        self.assertEqual(proof.keys, proof.retry_posts - proof.replayed)
        self.assertEqual(proof.charged_once, sum(1 for c in self.store.list_cases(ACCOUNT) if c.state == PAID))
        self.assertEqual(self.replays[0], self.replays[1])  # the same day again: no case moved, no email queued
        self.assertEqual(self.replays[2], self.replays[3])
        self.assertTrue(all(isinstance(r, dict) and r["errors"] == 0 for r in self.results), self.results)

    def test_reminders_are_on_the_email_queue_rendered_from_the_template(self):
        case = next(c for c in self.store.list_cases(ACCOUNT)
                    if c.link_url and c.member_reference != self.bounced_member)
        address = CustomersClient(ACCOUNT).get_customer(case.customer_id).email
        bodies = [q.message for q in _queued_to(address)]
        reminders = [b for b in bodies if case.link_url in b]
        self.assertTrue(reminders, f"no reminder with the link to {address}")
        self.assertTrue(any(words in reminders[0] for words in ("contributie", "membership dues")))
        for internal in ("tr_", "cst_", "mdt_", "dues-retry"):
            self.assertNotIn(internal, reminders[0])
        announced = [b for b in bodies if CREDITOR in b]
        self.assertTrue(announced, "no pre-notification naming the creditor identifier")

    def test_a_member_whose_address_bounced_is_an_exception_and_the_others_go_on(self):
        self.assertEqual(_queued_to(self.bounced_email)[1:], [])  # only the failed message planted before the run
        notices = frappe.get_all(NOTICE, filters={"settings_name": ACCOUNT, "status": EXCEPTION},
                                 fields=["member_reference", "detail"])
        self.assertIn((self.bounced_member, "email address bounced"),
                      [(n.member_reference, n.detail) for n in notices])
        flagged = frappe.get_all(CASE, filters={"settings_name": ACCOUNT, "unreached": 1},
                                 fields=["member_reference", "unreached_reason"])
        self.assertEqual([(f.member_reference, f.unreached_reason) for f in flagged],
                         [(self.bounced_member, "email address bounced")])
        sent = frappe.db.count(NOTICE, {"settings_name": ACCOUNT, "status": "sent"})
        self.assertGreater(sent, 100)
        self.assertTrue(frappe.db.exists(NOTICE, {"settings_name": ACCOUNT, "payment_id": ["is", "set"]}))

    def test_bench_mollie_collections_lists_the_cases_by_state_with_the_reason_in_plain_words(self):
        rows = case_rows(ACCOUNT, ("suspended", "reminder_1", "reminder_2"))
        self.assertEqual(len(rows), sum(1 for c in self.store.list_cases(ACCOUNT) if c.state in REMINDED))
        table = case_table(rows).splitlines()
        self.assertEqual(table[0].split()[:4], ["Account", "Member", "Period", "State"])
        bounced = next(line for line in table if f" {self.bounced_member} " in line)
        self.assertIn("email address bounced", bounced)
        for row, line in zip(rows, table[2:]):
            self.assertIn(f"{row.reason_code} {explain_reason(row.reason_code).title}", line)
        self.assertEqual([r.member_reference for r in case_rows(ACCOUNT, unreached=True)], [self.bounced_member])

    def test_the_report_the_cards_and_the_dashboard_show_the_same_figures(self):
        expected = monthly_figures(self.store.list_cases(ACCOUNT))
        _, rows, _, _, summary = report.execute({"account": ACCOUNT})
        self.assertEqual([(r["month"], r["cases"], r["at_risk"], r["recovered"]) for r in rows],
                         [(f.month, f.cases, f.at_risk.value, f.recovered.value) for f in expected])
        self.assertEqual(summary[0]["value"], len(self.truth))
        dashboard = get_dashboard_metrics(settings=ACCOUNT)
        self.assertEqual(dashboard["collections"], figures.as_dict(expected))
        latest = expected[-1]
        text, note = card_says(collections_api.card_dues_recovered())
        self.assertTrue(text.startswith(f"{latest.recovered} recovered"), text)
        self.assertIn(latest.month, note)
        open_amount = sum((f.at_risk - f.recovered - f.written_off for f in expected), Amount.zero("EUR"))
        text, note = card_says(collections_api.card_dues_at_risk())
        self.assertEqual(text, f"{open_amount} at risk")
        self.assertIn("1 member not reached", note)
        frappe.set_user("Guest")
        with self.assertRaises(frappe.PermissionError):
            collections_api.card_dues_at_risk()


def _bounced_earlier(address: str) -> None:
    """Frappe's queue could not deliver the member's last email: the address bounced."""
    frappe.sendmail(recipients=[address], subject="Nieuwsbrief", message="<p>Nieuws</p>", delayed=True,
                    sender="penningmeester@example.org")
    name = frappe.get_all("Email Queue Recipient", filters={"recipient": address}, pluck="parent")[0]
    frappe.db.set_value("Email Queue", name, "status", "Error")
    frappe.db.commit()


def _footprint() -> tuple:
    return (frappe.db.count(TRANSITION), frappe.db.count(NOTICE), frappe.db.count("Email Queue"),
            tuple(frappe.get_all(CASE, filters={"settings_name": ACCOUNT}, pluck="version", order_by="name")))


class TestCompareAndSet(CollectionsSiteCase):
    def test_a_mollie_error_while_pre_notifying_holds_the_notices_not_the_collections_day(self):
        now = datetime.fromisoformat(self.emulator.control.now())
        self.emulator.control.inject_fault(method="GET", path="/v2/subscriptions*", status=503, count=1)
        try:
            [result] = run_collections_daily([ACCOUNT], clock=lambda: now).values()
        finally:
            self.emulator.control.clear_faults()
        self.assertEqual((result["pre_notifications"]["sent"], result["errors"]), (0, 1))
        self.assertEqual(frappe.db.count(NOTICE, {"settings_name": ACCOUNT}), 0)
        self.assertTrue(frappe.db.exists("Error Log", {"method": f"Collections of {ACCOUNT}: pre-notifications held"}))


    def test_one_accounts_failure_does_not_stop_the_others(self):
        now = datetime.fromisoformat(self.emulator.control.now())
        results = run_collections_daily(["_Test No Such Collections Account", ACCOUNT], clock=lambda: now)
        self.assertEqual(results["_Test No Such Collections Account"], "ConfigurationError")
        self.assertIsInstance(results[ACCOUNT], dict)
        self.assertGreater(results[ACCOUNT]["pre_notifications"]["sent"], 0)
        self.assertTrue(frappe.db.exists("Error Log", {"method": "Collections of _Test No Such Collections Account failed"}))

    def test_two_connections_moving_one_case_cannot_both_win(self):
        at = datetime(2025, 4, 3, 9, tzinfo=timezone.utc)
        case = DunningCase(ACCOUNT, "race-1", "2025-04", DUE, "MD06", "", Amount.of("12.50", "EUR"), "cst_race",
                           "tr_race", "chargeback", date(2025, 4, 3), at, at)
        store = FrappeCollectionStore()
        store.open_case(case, Transition(ACCOUNT, "race-1", "2025-04", "", DUE, "chargeback: MD06", at))
        site, sites_path = frappe.local.site, frappe.local.sites_path
        read = threading.Barrier(2)
        outcomes = []

        def worker(to: str) -> None:
            frappe.init(site=site, sites_path=sites_path)
            frappe.connect()
            try:
                own = FrappeCollectionStore()
                mine = own.get_case(ACCOUNT, "race-1", "2025-04")
                read.wait(timeout=30)
                own.save_case(*mine.moved(to, f"worker moving to {to}", at))
                outcomes.append(to)
            except ConcurrentChange:
                outcomes.append("concurrent change")
            finally:
                frappe.db.rollback()
                frappe.destroy()

        threads = [threading.Thread(target=worker, args=(to,)) for to in (REMINDER_1, PAID)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(sorted(o == "concurrent change" for o in outcomes), [False, True], outcomes)
        [winner] = [o for o in outcomes if o != "concurrent change"]
        stored = store.get_case(ACCOUNT, "race-1", "2025-04")
        self.assertEqual((stored.state, stored.version), (winner, 1))
        self.assertEqual([t.to_state for t in store.transitions(ACCOUNT, "race-1")], [DUE, winner])
        self.assertEqual(store.open_case(case, Transition(ACCOUNT, "race-1", "2025-04", "", DUE, "again", at)),
                         (stored, False))
