"""Issue 23: adopting the account an association already has, over HTTP against the emulator's
"existing-account" scenario, on SQLite and MariaDB (sql_store_url): the matching against the ground
truth, the counts against Mollie's, a second run that adds nothing, a stopped run that resumes, and
the members and MRR right at once."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import MollieConfig
from verenigingen.verenigingen_payments.disputes.service import DisputeService
from verenigingen.verenigingen_payments.sandbox.scenario import generate
from verenigingen.verenigingen_payments.store.sql import open_store_engine
from verenigingen.verenigingen_payments.store.sql.dispute_store import SqlDisputeStore
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.store.sql.subscription_store import SqlSubscriptionStore
from verenigingen.verenigingen_payments.subscriptions.records import ACTIVE, PAST_DUE
from verenigingen.verenigingen_payments.subscriptions.revenue import mrr_by_interval
from verenigingen.verenigingen_payments.workflows.adoption import AdoptionStores, Member, adopt_account

SCENARIO = "existing-account"
ACCOUNT = "existing"


@pytest.fixture(scope="module")
def truth():
    return generate(SCENARIO, 1)[0].adoption_truth


@pytest.fixture
def existing(emulator_factory):
    return emulator_factory(scenario=SCENARIO)


def _config(emu) -> MollieConfig:
    return MollieConfig(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                        account=ACCOUNT, retry_max_attempts=2, retry_backoff_base=0.01,
                        rate_limit_requests_per_second=10_000)


def _stores(url: str) -> AdoptionStores:
    engine = open_store_engine(url)
    return AdoptionStores(SqlSubscriptionStore(engine), SqlPaymentLedger(engine), DisputeService(SqlDisputeStore(engine)))


def _members(truth) -> list[Member]:
    return [Member(m["reference"], m["email"], m["number"]) for m in truth["register"]]


def _mollie(emu, path: str, key: str) -> list[dict]:
    import requests

    items, url = [], f"{emu.base_url}/{path}?limit=250"
    while url:
        body = requests.get(url, headers={"Authorization": f"Bearer {emu.organization_token}"}, timeout=30).json()
        items += body["_embedded"][key]
        url = (body["_links"].get("next") or {}).get("href")
    return items


def test_adopt_matches_by_the_rule_counts_equal_mollie_and_a_second_run_adds_nothing(existing, truth, sql_store_url):
    clock = lambda: datetime.fromisoformat(existing.control.now())  # noqa: E731
    stores = _stores(sql_store_url)
    seen = []
    report = adopt_account(_config(existing), _members(truth), stores, clock=clock,
                           progress=lambda step, done: seen.append(step))
    assert not report.stopped
    assert [s for s in dict.fromkeys(seen)] == ["customers", "mandates", "subscriptions", "payments", "chargebacks",
                                                 "settlements"]
    subscriptions = _mollie(existing, "subscriptions", "subscriptions")
    payments = _mollie(existing, "payments", "payments")
    chargebacks = _mollie(existing, "chargebacks", "chargebacks")
    assert report.customers == len(truth["customers"])
    assert report.subscriptions == len(subscriptions)
    assert {s["status"] for s in subscriptions} == {"active", "pending", "suspended", "canceled", "completed"}
    assert report.payments == len(payments) == stores.ledger.count(ACCOUNT)
    assert report.chargebacks == len(chargebacks) == report.dispute_cases_opened
    assert len(stores.disputes.store.list_cases(ACCOUNT)) == len(chargebacks)
    assert report.settlements > 50
    # matching against the ground truth
    expected = {c: m for c, m in truth["customers"].items() if m is not None}
    assert report.matched == len(expected) and report.matched_by_metadata == len(truth["matched_by_metadata"])
    assert sorted((e.kind, e.mollie_id) for e in report.exceptions) == [tuple(e) for e in truth["exceptions"]]
    assert all(e.what_to_do for e in report.exceptions)
    records = list(stores.subscriptions.iter_records(ACCOUNT))
    assert all(expected[r.customer_id] == r.member_reference for r in records)
    revoked = {e.mollie_id for e in report.exceptions if e.kind == "subscription_on_revoked_mandate"}
    unmatched = {s["id"] for s in subscriptions if s["customerId"] not in expected} | revoked
    assert len(records) == report.subscriptions_linked == len(subscriptions) - len(unmatched)
    assert all(d["iban"] is None or "****" in d["iban"] for d in report.mandate_details)
    assert report.mandates == sum(1 for _ in report.mandate_details) > 0
    # the members and MRR on day one: every paying (active/past-due) adopted subscription counts
    paying = [r for r in records if r.status in (ACTIVE, PAST_DUE)]
    assert Counter(r.status for r in records)[ACTIVE] > 100
    total = sum((r.amount.value for r in paying if r.interval == "1 month"), Decimal(0))
    assert mrr_by_interval(stores.subscriptions, ACCOUNT)["total"].value == total
    # idempotent
    again = adopt_account(_config(existing), _members(truth), stores, clock=clock)
    assert again.subscriptions_adopted == 0 and again.dispute_cases_opened == 0
    assert stores.ledger.count(ACCOUNT) == len(payments)
    assert len(list(stores.subscriptions.iter_records(ACCOUNT))) == len(records)


def test_a_stopped_adoption_resumes_where_it_stopped(existing, truth, tmp_path):
    url = f"sqlite:///{tmp_path / 'stop.sqlite3'}"
    clock = lambda: datetime.fromisoformat(existing.control.now())  # noqa: E731
    stores = _stores(url)
    state = {"n": 0}

    def stop_halfway() -> bool:
        state["n"] += 1
        return state["n"] > 500  # inside the subscriptions step

    stopped = adopt_account(_config(existing), _members(truth), stores, clock=clock, should_stop=stop_halfway)
    assert stopped.stopped
    partial = stopped.subscriptions_adopted
    assert 0 < partial < stopped.subscriptions
    finished = adopt_account(_config(existing), _members(truth), stores, clock=clock)
    assert not finished.stopped
    assert partial + finished.subscriptions_adopted == finished.subscriptions_linked
