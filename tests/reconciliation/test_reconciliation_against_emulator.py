"""The whole cycle over HTTP against the emulator: ledger backfill, settlements, chargebacks,
balance report vs transactions, scored against the scenario's planted ground truth."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timezone

import pytest

from verenigingen.verenigingen_payments.clients import MollieConfig, SettlementsClient
from verenigingen.verenigingen_payments.core.errors import ServerError
from verenigingen.verenigingen_payments.sandbox.server import MollieEmulator
from verenigingen.verenigingen_payments.store.reconciliation_runs import COMPLETED, FAILED, RESOLVED
from verenigingen.verenigingen_payments.workflows.reconciliation.scoring import score
from verenigingen.verenigingen_payments.workflows.reconciliation_engine import (
    Period, ReconciliationStores, reconcile_account, run_daily_reconciliation,
)

SCENARIO_PERIOD = Period(date(2024, 12, 1), date(2025, 4, 1))
PLANTED_KINDS = {
    "settlement_lines_mismatch", "payment_missing_from_settlement", "duplicate_balance_transaction",
    "refund_without_payment", "unexplained_balance_movement", "chargeback_after_settlement",
}


def config_for(emu: MollieEmulator, account: str = "small", **changes) -> MollieConfig:
    values = dict(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                  account=account, retry_max_attempts=1)
    return MollieConfig(**{**values, **changes})


@pytest.fixture(scope="module")
def planted():
    with MollieEmulator("association-small", seed=1) as emu:
        yield emu


@pytest.fixture
def stores(tmp_path):
    return ReconciliationStores.sql(f"sqlite:///{tmp_path / 'store.sqlite3'}")


def findings(stores, account="small"):
    return stores.runs.list_discrepancies(account)


def test_every_planted_discrepancy_is_found_and_nothing_else(planted, stores):
    run = reconcile_account(config_for(planted), stores, SCENARIO_PERIOD)
    assert run.status == COMPLETED and run.settlements_checked == 5 and run.transactions_checked > 700
    found = findings(stores)
    truth = planted.control.ground_truth()
    assert {t["kind"] for t in truth} == PLANTED_KINDS
    scores = score([(f.kind, f.ids) for f in found], truth)
    assert {k: (s.precision, s.recall) for k, s in scores.items()} == {k: (1.0, 1.0) for k in PLANTED_KINDS}
    assert Counter(f.kind for f in found) == Counter(t["kind"] for t in truth)
    assert stores.ledger.count("small") > 700


def test_each_finding_carries_its_evidence_and_an_action(planted, stores):
    reconcile_account(config_for(planted), stores, SCENARIO_PERIOD)
    by_kind = {f.kind: f for f in findings(stores)}
    mismatch = by_kind["settlement_lines_mismatch"]
    truth = {t["kind"]: t for t in planted.control.ground_truth()}
    assert mismatch.amount == truth["settlement_lines_mismatch"]["amount"]["value"]
    assert set(mismatch.evidence["failed_checks"]) == {"lines", "periods"}
    assert {"payments", "refunds", "chargebacks", "costs_gross", "expected_from_lines"} <= set(mismatch.evidence)
    assert by_kind["payment_missing_from_settlement"].evidence["expected_settlement"] == \
        truth["payment_missing_from_settlement"]["ids"][1]
    assert by_kind["duplicate_balance_transaction"].ids[0] == truth["duplicate_balance_transaction"]["ids"][0]
    assert all(f.suggested_action and f.currency == "EUR" for f in by_kind.values())


def test_a_clean_seed_reconciles_without_discrepancies(stores):
    with MollieEmulator("association-small", seed=2, discrepancies=False) as emu:
        run = reconcile_account(config_for(emu), stores, SCENARIO_PERIOD)
        assert emu.control.ground_truth() == []
    assert run.status == COMPLETED and run.discrepancy_count == 0 and run.settlements_checked == 5
    assert all(s["adds_up"] for s in run.totals["settlements"])


def test_a_rerun_replaces_and_a_resolved_discrepancy_stays_resolved(planted, stores):
    config = config_for(planted)
    first = reconcile_account(config, stores, SCENARIO_PERIOD)
    target = next(f for f in findings(stores) if f.kind == "unexplained_balance_movement")
    stores.runs.resolve("small", target.identity, "finance@vereniging.nl", "bank fee correction, booked",
                        datetime.now(timezone.utc))
    second = reconcile_account(config, stores, SCENARIO_PERIOD)
    assert second.run_id == first.run_id
    after = findings(stores)
    assert len(after) == 6 and len({f.identity for f in after}) == 6
    assert next(f for f in after if f.identity == target.identity).status == RESOLVED
    assert len(stores.runs.list_runs("small")) == 1


def test_an_interrupted_run_resumes_from_its_checkpoint(planted, stores):
    config = config_for(planted)
    planted.control.clear_faults()
    last = next(SettlementsClient(config).iter_settlements()).id  # newest first: the run's last settlement
    planted.control.inject_fault(path=f"/v2/settlements/{last}/captures", method="GET", status=503, count=1)
    with pytest.raises(ServerError):
        reconcile_account(config, stores, SCENARIO_PERIOD)
    failed = stores.runs.list_runs("small")[0]
    assert failed.status == FAILED and len(failed.checkpoint["settlements_done"]) == 4
    planted.control.clear_request_log()
    resumed = reconcile_account(config, stores, SCENARIO_PERIOD)
    assert resumed.run_id == failed.run_id and resumed.status == COMPLETED
    paths = [r["path"] for r in planted.control.request_log()]
    assert [p for p in paths if p.endswith("/payments") and p.startswith("/v2/settlements/")] == \
        [f"/v2/settlements/{last}/payments"]
    assert "/v2/payments" not in paths  # the ledger sync had finished before the outage
    scores = score([(f.kind, f.ids) for f in findings(stores)], planted.control.ground_truth())
    assert all((s.precision, s.recall) == (1.0, 1.0) for s in scores.values())


def test_one_failing_account_does_not_stop_the_others(planted, stores):
    good = config_for(planted, account="good")
    broken = config_for(planted, account="broken", organization_token="access_" + "x" * 40)
    results = run_daily_reconciliation([broken, good], stores=stores, today=date(2025, 3, 19))
    assert isinstance(results["broken"], Exception)
    assert results["good"].status == COMPLETED
    assert results["good"].period_from == date(2025, 3, 18) and results["good"].period_until == date(2025, 3, 19)
    assert stores.runs.list_runs("broken")[0].status == FAILED


def test_the_finance_report_names_each_settlement_and_discrepancy(planted, stores):
    from verenigingen.verenigingen_payments.workflows.reconciliation.finance_report import render_markdown

    run = reconcile_account(config_for(planted), stores, SCENARIO_PERIOD)
    found = findings(stores)
    text = render_markdown(run, found, score([(f.kind, f.ids) for f in found], planted.control.ground_truth()))
    truth = planted.control.ground_truth()
    mismatched = next(t for t in truth if t["kind"] == "settlement_lines_mismatch")["ids"][0]
    assert f"| {mismatched} | paidout |" in text and "| **no** |" in text
    assert text.count("| yes |") == 4
    for t in truth:
        assert t["ids"][0] in text
    assert "| 1.00 | 1.00 |" in text and "what to do:" in text
