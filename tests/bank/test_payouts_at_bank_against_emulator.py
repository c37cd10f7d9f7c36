"""End to end over HTTP: the emulator's bank statements (CAMT.053 and MT940) imported into the SQL
store, Mollie's payouts fetched through the clients, matched, and scored against ground truth."""

from __future__ import annotations

import pytest
from lxml import etree

from verenigingen.verenigingen_payments.bank.camt_schema import safe_parser, schema_errors
from verenigingen.verenigingen_payments.bank.statement_file import read_statement_bytes
from verenigingen.verenigingen_payments.clients import MollieConfig, SettlementsClient
from verenigingen.verenigingen_payments.store.sql.bank_statement_store import SqlBankStatementStore
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.findings import BANK_FINDING_KINDS
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.inputs import MatchRules
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.run import payouts_at_bank
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.scoring import score_bank
from datetime import date


def _config(emu) -> MollieConfig:
    return MollieConfig(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                        account="bank-test")


def _run(emu, engine, fmt: str = "camt053"):
    account = emu.control.bank_account()
    name, data = emu.control.bank_statement(fmt)
    if fmt == "camt053":
        assert schema_errors(etree.fromstring(data, safe_parser()), "camt.053.001.02") == []
    store = SqlBankStatementStore(engine)
    store.import_statements(read_statement_bytes(data, name, expect_iban=account["iban"]))
    rules = MatchRules(mollie_ibans=frozenset({account["mollie_iban"]}))
    return payouts_at_bank(_config(emu), store, account["iban"], date(2025, 1, 1), date(2025, 4, 1), rules)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_bank_side_kind_scores_precision_and_recall_one(emulator_factory, sql_engine, seed):
    emu = emulator_factory(seed=seed)
    result = _run(emu, sql_engine, "camt053" if seed % 2 else "mt940")
    scores = score_bank(result.outcome.findings, emu.control.bank_ground_truth())
    assert set(scores) == set(BANK_FINDING_KINDS)
    assert {k: (s.precision, s.recall) for k, s in scores.items()} == {k: (1.0, 1.0) for k in BANK_FINDING_KINDS}
    assert all(row.unexplained == 0 for row in result.months)


def test_a_clean_seed_has_no_bank_findings(emulator_factory, sql_engine):
    emu = emulator_factory(seed=4, discrepancies=False)
    result = _run(emu, sql_engine)
    assert result.outcome.findings == () and emu.control.bank_ground_truth() == []
    assert {m.status for m in result.outcome.matches} <= {"matched", "in transit"}
    assert score_bank(result.outcome.findings, []) == {}


def test_the_control_surface_returns_and_delays_payouts_at_the_bank(emulator_factory, sql_engine):
    emu = emulator_factory(seed=5, discrepancies=False)
    paid = [s.id for s in SettlementsClient(_config(emu)).iter_settlements() if str(s.status) == "paidout"]
    matched = sorted(paid)[:3]
    emu.control.return_payout_at_bank(matched[0], reason="AC04")
    emu.control.delay_payout_at_bank(matched[1], business_days=4)
    emu.control.delay_payout_at_bank(matched[2], business_days=1)  # still inside the window: no finding
    result = _run(emu, sql_engine)
    found = {(str(f.kind), f.ids[0]) for f in result.outcome.findings}
    assert found == {("payout_returned_by_bank", matched[0]), ("payout_not_at_bank", matched[1])}
    scores = score_bank(result.outcome.findings, emu.control.bank_ground_truth())
    assert all((s.precision, s.recall) == (1.0, 1.0) for s in scores.values())


def test_payouts_mollie_returned_in_real_flows_are_found_as_returned(emulator_factory, sql_engine):
    emu = emulator_factory(scenario="association-small-real", seed=3)
    result = _run(emu, sql_engine)
    truth = emu.control.bank_ground_truth()
    scores = score_bank(result.outcome.findings, truth)
    assert {k: (s.precision, s.recall) for k, s in scores.items()} == {k: (1.0, 1.0) for k in scores}
