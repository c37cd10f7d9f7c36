"""Issue 23: adopting the account an association already has, over HTTP against the emulator's
"existing-account-small" scenario (the existing-account twists on 100 members over 14 months), on
SQLite and MariaDB: the matching against the ground truth, the counts held against Mollie's, the
dashboard's Active Members, MRR and 30-day volume right on the first day, a second run that adds
nothing, and a stopped run that resumes.

One emulator serves the module (adoption only reads from Mollie) and each store is adopted into once
(`adopted`); the tests read what that run left."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import MollieConfig
from verenigingen.verenigingen_payments.monitoring import overview_cards
from verenigingen.verenigingen_payments.monitoring.dashboard_metrics import DashboardMetrics
from verenigingen.verenigingen_payments.sandbox.scenario import generate
from verenigingen.verenigingen_payments.sandbox.scenario_existing import SMALL_NAME
from verenigingen.verenigingen_payments.store.account_records import CUSTOMERS, MANDATES, SETTLEMENTS
from verenigingen.verenigingen_payments.store.sql import open_store_engine
from verenigingen.verenigingen_payments.store.sql.dashboard_queries import SqlLocalFigures
from verenigingen.verenigingen_payments.workflows.adoption import AdoptionReport, AdoptionStores, Member, adopt_account
from verenigingen.verenigingen_payments.workflows.adoption.adopt import STEPS
from verenigingen.verenigingen_payments.workflows.adoption.day_one import DayOne, day_one_figures

ACCOUNT = "existing"


@pytest.fixture(scope="module")
def truth():
    return generate(SMALL_NAME, 1)[0].adoption_truth


@pytest.fixture(scope="module")
def existing(module_emulator_factory):
    return module_emulator_factory(scenario=SMALL_NAME)


def _config(emu) -> MollieConfig:
    return MollieConfig(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                        account=ACCOUNT, retry_max_attempts=2, retry_backoff_base=0.01,
                        rate_limit_requests_per_second=10_000)


def _members(truth) -> list[Member]:
    return [Member(m["reference"], m["email"], m["number"]) for m in truth["register"]]


def _standing_clock(emu):
    """The emulator's clock stands still between requests: read it once."""
    now = datetime.fromisoformat(emu.control.now())
    return lambda: now


def _mollie(emu, path: str, key: str) -> list[dict]:
    import requests

    items, url = [], f"{emu.base_url}/{path}?limit=250"
    while url:
        body = requests.get(url, headers={"Authorization": f"Bearer {emu.organization_token}"}, timeout=30).json()
        items += body["_embedded"][key]
        url = (body["_links"].get("next") or {}).get("href")
    return items


@dataclass
class Adopted:
    url: str
    stores: AdoptionStores
    report: AdoptionReport
    again: AdoptionReport
    steps: list[str]
    held_after_first: dict


@pytest.fixture(scope="module")
def adopted(existing, truth, module_sql_store_url) -> Adopted:
    stores, steps = AdoptionStores.sql(module_sql_store_url), []
    report = adopt_account(_config(existing), _members(truth), stores, clock=_standing_clock(existing),
                           progress=lambda step, done: steps.append(step))
    held = dict(report.held)
    again = adopt_account(_config(existing), _members(truth), stores, clock=_standing_clock(existing))
    return Adopted(module_sql_store_url, stores, report, again, steps, held)


def test_every_step_runs_in_order_and_reports_progress(adopted):
    assert not adopted.report.stopped
    assert list(dict.fromkeys(adopted.steps)) == list(STEPS)


def test_customers_are_matched_by_the_documented_rule(adopted, truth):
    report = adopted.report
    expected = {c: m for c, m in truth["customers"].items() if m is not None}
    assert report.customers == len(truth["customers"])
    assert report.matched == len(expected) and report.matched_by_metadata == len(truth["matched_by_metadata"])
    assert sorted((e.kind, e.mollie_id) for e in report.exceptions) == [tuple(e) for e in truth["exceptions"]]
    assert all(e.what_to_do for e in report.exceptions)
    records = list(adopted.stores.subscriptions.iter_records(ACCOUNT))
    assert all(expected[r.customer_id] == r.member_reference for r in records)


def test_what_is_held_equals_mollie(adopted, existing):
    report, stores = adopted.report, adopted.stores
    subscriptions = _mollie(existing, "subscriptions", "subscriptions")
    payments = _mollie(existing, "payments", "payments")
    chargebacks = _mollie(existing, "chargebacks", "chargebacks")
    settlements = _mollie(existing, "settlements", "settlements")
    assert {s["status"] for s in subscriptions} == {"active", "pending", "suspended", "canceled", "completed"}
    assert (report.subscriptions, report.payments, report.chargebacks, report.settlements) == (
        len(subscriptions), len(payments), len(chargebacks), len(settlements))
    held = adopted.held_after_first
    assert held[CUSTOMERS] == report.customers and held[MANDATES] == report.mandates > 0
    assert held["payments"] == len(payments) and held["chargebacks"] == len(chargebacks) == report.dispute_cases_opened
    assert held[SETTLEMENTS] == len(settlements) > 20
    revoked = {e.mollie_id for e in report.exceptions if e.kind == "subscription_on_revoked_mandate"}
    linked = {s["customerId"] for s in subscriptions} - {e.mollie_id for e in report.exceptions}
    assert held["subscriptions"] == report.subscriptions_linked == sum(
        1 for s in subscriptions if s["customerId"] in linked and s["id"] not in revoked)


def test_mandates_keep_their_status_and_only_a_masked_iban(adopted, existing):
    mandates = adopted.stores.accounts.mandates(ACCOUNT)
    assert Counter(m.status for m in mandates)["invalid"] >= 1
    assert all(m.iban_masked is None or ("****" in m.iban_masked and len(m.iban_masked) < 15) for m in mandates)
    assert any(m.iban_masked for m in mandates)


def test_active_members_mrr_and_30_day_volume_are_right_on_the_first_day(adopted, existing, truth):
    figures = SqlLocalFigures(open_store_engine(adopted.url))
    shown = day_one_figures(_config(existing), figures, _standing_clock(existing))
    expected = truth["day_one"]
    assert shown == DayOne(expected["active_members"], Decimal(expected["mrr"]), expected["volume_30d"]["count"],
                           Decimal(expected["volume_30d"]["amount"]))
    metrics = {ACCOUNT: DashboardMetrics(_config(existing), figures=figures, clock=_standing_clock(existing)).compute()}
    assert overview_cards.active_members(metrics) == expected["active_members"]
    assert overview_cards.mrr_card(metrics).text == f"EUR {Decimal(expected['mrr']):,.2f}"


def test_a_second_run_adds_nothing(adopted):
    again = adopted.again
    assert again.subscriptions_adopted == 0 and again.dispute_cases_opened == 0
    assert again.held == adopted.held_after_first


def test_a_stopped_adoption_resumes_where_it_stopped(existing, truth, tmp_path):
    stores = AdoptionStores.sql(f"sqlite:///{tmp_path / 'stop.sqlite3'}")
    seen: dict[str, int] = {}
    stopped = adopt_account(_config(existing), _members(truth), stores, clock=_standing_clock(existing),
                            progress=seen.__setitem__, should_stop=lambda: seen.get("subscriptions", 0) >= 20)
    assert stopped.stopped
    partial = stopped.subscriptions_adopted
    assert 0 < partial < stopped.subscriptions
    assert stopped.held[CUSTOMERS] == stopped.customers and stopped.held["subscriptions"] == partial
    finished = adopt_account(_config(existing), _members(truth), stores, clock=_standing_clock(existing))
    assert not finished.stopped
    assert partial + finished.subscriptions_adopted == finished.subscriptions_linked
    assert finished.held[CUSTOMERS] == finished.customers
