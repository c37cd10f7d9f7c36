"""Benchmark: reconcile `association-large` (a year, ~50k members, ~600k payments) through the
clients against the emulator, vs a floor that only pages the same data and sums it.

Rerun:  .venv/bin/python benchmarks/bench_reconciliation.py [--scenario association-large] [--seed 1]

The emulator serves from its own process; the floor and the reconciliation each run in a fresh
process, so each one's peak RSS is its own. The reconciliation backfills the payment ledger into an
SQLite store, reconciles every closed settlement of the year, the chargebacks and the balance
report vs its transactions, and is scored against the scenario's ground truth.
Goals: reconciliation ≤ 2× the floor and peak memory ≤ 2× the floor's. Use --scenario association-large-real for
Mollie's real flows (holds, returns, reversals, invoice compensation, a GBP balance, manual captures).
Prints one JSON line of figures at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PERIOD = (date(2024, 12, 1), date(2026, 1, 1))


def _serve(scenario: str, seed: int, conn) -> None:
    from verenigingen.verenigingen_payments.sandbox.server import MollieEmulator

    t0 = time.perf_counter()
    emu = MollieEmulator(scenario, seed).start()
    conn.send({"base_url": emu.base_url, "api_key": emu.api_key, "organization_token": emu.organization_token,
               "control_url": emu.control_url, "start_seconds": time.perf_counter() - t0,
               "truth": emu.control.ground_truth()})
    conn.recv()  # until told to stop
    emu.stop()


def _config(info: dict):
    from verenigingen.verenigingen_payments.clients import MollieConfig

    return MollieConfig(api_key=info["api_key"], organization_token=info["organization_token"],
                        base_url=info["base_url"], account="large", read_timeout=120.0)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _floor(info: dict, out) -> None:
    """Page everything the reconciliation reads, and sum it; nothing else."""
    from verenigingen.verenigingen_payments.clients import (
        BalancesClient, ChargebacksClient, PaymentsClient, SettlementsClient,
    )

    config = _config(info)
    t0 = time.perf_counter()
    total, items = Decimal(0), 0
    for p in PaymentsClient(config).iter_payments():
        total += p.amount.value
        items += 1
    settlements = SettlementsClient(config)
    for s in list(settlements.iter_settlements()):
        if str(s.status) == "open":
            continue
        for listing in (settlements.iter_payments, settlements.iter_refunds, settlements.iter_chargebacks,
                        settlements.iter_captures):
            for x in listing(s.id):
                total += (x.settlement_amount or x.amount).value
                items += 1
    for c in ChargebacksClient(config).iter_chargebacks():
        total += c.amount.value
        items += 1
    balances = BalancesClient(config)
    for b in balances.list_balances():
        for t in balances.iter_transactions(b.id):
            total += t.result_amount.value
            items += 1
        balances.get_report(b.id, *PERIOD)
    out.send({"seconds": time.perf_counter() - t0, "items": items, "peak_rss_mb": _peak_mb()})


def _reconcile(info: dict, out) -> None:
    from verenigingen.verenigingen_payments.workflows.reconciliation.scoring import score
    from verenigingen.verenigingen_payments.workflows.reconciliation_engine import (
        Period, ReconciliationStores, reconcile_account,
    )

    folder = tempfile.mkdtemp(prefix="bench-reconciliation-")
    stores = ReconciliationStores.sql(f"sqlite:///{folder}/store.sqlite3")
    t0 = time.perf_counter()
    run = reconcile_account(_config(info), stores, Period(*PERIOD))
    seconds = time.perf_counter() - t0
    found = stores.runs.list_discrepancies("large")
    scores = score([(f.kind, f.ids) for f in found], info["truth"])
    ledger_rows = stores.ledger.count("large")
    shutil.rmtree(folder, ignore_errors=True)
    out.send({
        "seconds": seconds, "peak_rss_mb": _peak_mb(), "status": run.status,
        "settlements": run.settlements_checked, "transactions": run.transactions_checked,
        "ledger_rows": ledger_rows, "discrepancies": len(found),
        "scores": {k: {"precision": s.precision, "recall": s.recall, "planted": s.planted} for k, s in scores.items()},
    })


def _in_child(target, info: dict) -> dict:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=target, args=(info, child))
    process.start()
    result = parent.recv()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="association-large")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=_serve, args=(args.scenario, args.seed, child), daemon=True)
    server.start()
    info = parent.recv()
    try:
        floor = _in_child(_floor, info)
        print(f"floor (page + sum): {floor['seconds']:.1f}s, {floor['items']} items, peak {floor['peak_rss_mb']:.0f} MB")
        rec = _in_child(_reconcile, info)
        print(f"reconciliation:     {rec['seconds']:.1f}s, peak {rec['peak_rss_mb']:.0f} MB, "
              f"{rec['settlements']} settlements, {rec['transactions']} transactions, {rec['discrepancies']} findings")
        for kind, s in sorted(rec["scores"].items()):
            print(f"  {kind:34s} planted {s['planted']}  precision {s['precision']:.2f}  recall {s['recall']:.2f}")
    finally:
        parent.send("stop")
        server.join(timeout=30)
    print(json.dumps({
        "benchmark": "reconciliation", "scenario": args.scenario, "seed": args.seed,
        "emulator_start_seconds": round(info["start_seconds"], 2),
        "floor_seconds": round(floor["seconds"], 2), "reconcile_seconds": round(rec["seconds"], 2),
        "ratio": round(rec["seconds"] / floor["seconds"], 2), "goal_ratio": 2.0,
        "floor_peak_rss_mb": round(floor["peak_rss_mb"], 1), "reconcile_peak_rss_mb": round(rec["peak_rss_mb"], 1),
        "memory_ratio": round(rec["peak_rss_mb"] / floor["peak_rss_mb"], 3), "goal_memory_ratio": 2.0,
        "items_paged": floor["items"], "ledger_rows": rec["ledger_rows"], "status": rec["status"],
        "min_precision": min((s["precision"] for s in rec["scores"].values()), default=None),
        "min_recall": min((s["recall"] for s in rec["scores"].values()), default=None),
    }))


if __name__ == "__main__":
    main()
