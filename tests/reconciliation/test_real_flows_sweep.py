"""The emulator's flows "real" (holds and pending funds, failed direct debits, returned refunds,
chargeback reversals, returned and canceled payouts paid again, invoice compensation, manual captures
in ordinary seeds, a second balance in GBP): on clean seeds the reconciliation stays quiet; on planted
seeds every old and new kind is found exactly. Over HTTP, on SQLite and MariaDB."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from verenigingen.verenigingen_payments.clients import MollieConfig
from verenigingen.verenigingen_payments.sandbox.server import MollieEmulator
from verenigingen.verenigingen_payments.store.reconciliation_runs import COMPLETED
from verenigingen.verenigingen_payments.workflows.reconciliation.scoring import score
from verenigingen.verenigingen_payments.workflows.reconciliation_engine import (
    Period, ReconciliationStores, reconcile_account,
)

PERIOD = Period(date(2024, 12, 1), date(2025, 4, 1))
CLEAN_SEEDS = range(1, 21)
PLANTED_SEEDS = range(1, 7)  # the emulator plants only what is decidable on its day (sandbox/README.md)
NEW_KINDS = {"reversal_never_credited", "returned_payout_never_repaid", "invoice_compensated_twice",
             "pending_funds_never_released", "capture_missing_from_settlement"}
SETTLEMENTS = 8  # five EUR half months and three GBP ones (the GBP balance opens in the second month)


def _reconcile(emu: MollieEmulator, url: str, seed: int):
    """One account per seed: each seed is another Mollie account, with its own ledger and runs."""
    account = f"real-{seed}"
    stores = ReconciliationStores.sql(url)
    config = MollieConfig(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                          account=account, retry_max_attempts=1)
    now = datetime.fromisoformat(emu.control.info()["now"])
    run = reconcile_account(config, stores, PERIOD, clock=lambda: now)
    return run, stores.runs.list_discrepancies(account)


def test_twenty_clean_seeds_with_every_flow_reconcile_without_a_finding(sql_store_url):
    found = {}
    for seed in CLEAN_SEEDS:
        with MollieEmulator("association-small", seed=seed, discrepancies=False, flows="real") as emu:
            run, findings = _reconcile(emu, sql_store_url, seed)
            assert run.status == COMPLETED and run.settlements_checked == SETTLEMENTS
            found[seed] = [(f.kind, f.ids) for f in findings]
    assert found == {seed: [] for seed in CLEAN_SEEDS}


@pytest.mark.parametrize("seed", PLANTED_SEEDS)
def test_planted_seeds_score_one_on_every_old_and_new_kind(seed, sql_store_url):
    with MollieEmulator("association-small", seed=seed, flows="real") as emu:
        run, findings = _reconcile(emu, sql_store_url, seed)
        truth = emu.control.ground_truth()
    scores = score([(f.kind, f.ids) for f in findings], truth)
    assert NEW_KINDS <= set(scores) and len(scores) == 11
    assert {k: (s.precision, s.recall) for k, s in scores.items()} == {k: (1.0, 1.0) for k in scores}
    assert len(findings) == len(truth)
