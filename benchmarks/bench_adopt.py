"""How long adopting an existing account takes (`workflows.adoption.adopt_account`), on `association-large`.

Rerun: .venv/bin/python benchmarks/bench_adopt.py [--scenario association-large] [--store-url URL]

The emulator runs in a child process (so it does not share this process's interpreter lock); the
adoption writes into a fresh SQLite file (or the empty store at --store-url). Floor, measured in the
same run: paging through the account's payments with the client and keeping nothing, which every
adoption must do at least. Prints per-step times (from each step's first progress report), the counts
held against Mollie's, the exception kinds, and one JSON line at the end.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from verenigingen.verenigingen_payments.clients import MollieConfig, PaymentsClient
from verenigingen.verenigingen_payments.disputes.service import DisputeService
from verenigingen.verenigingen_payments.sandbox.server import ControlClient
from verenigingen.verenigingen_payments.store.sql import open_store_engine
from verenigingen.verenigingen_payments.store.sql.account_record_store import SqlAccountRecordStore
from verenigingen.verenigingen_payments.store.sql.dispute_store import SqlDisputeStore
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.store.sql.subscription_store import SqlSubscriptionStore
from verenigingen.verenigingen_payments.workflows.adoption import AdoptionStores, adopt_account


def start_emulator(scenario: str) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen([sys.executable, "-m", "verenigingen.verenigingen_payments.sandbox", "--port", "0",
                             "--scenario", scenario], stdout=subprocess.PIPE, text=True)
    lines = dict(proc.stdout.readline().strip().split(": ", 1) for _ in range(4))
    return proc, lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", default="association-large")
    parser.add_argument("--store-url", help="an empty SQL store (default: a fresh SQLite file)")
    args = parser.parse_args()
    proc, emulator = start_emulator(args.scenario)
    try:
        now = datetime.fromisoformat(ControlClient(emulator["control_url"]).now())
        config = MollieConfig(api_key=emulator["api_key"], organization_token=emulator["organization_token"],
                              base_url=emulator["base_url"], account=args.scenario,
                              rate_limit_requests_per_second=100_000)
        t = time.perf_counter()
        floor_payments = sum(1 for _ in PaymentsClient(config).iter_payments())
        floor = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as folder:
            engine = open_store_engine(args.store_url or f"sqlite:///{Path(folder) / 'adopt.sqlite3'}")
            stores = AdoptionStores(SqlSubscriptionStore(engine), SqlPaymentLedger(engine),
                                    DisputeService(SqlDisputeStore(engine)), SqlAccountRecordStore(engine))
            began, steps = time.perf_counter(), {}

            def progress(step: str, done: int) -> None:
                if step not in steps:
                    steps[step] = round(time.perf_counter() - began, 2)
                    print(f"  {step} from {steps[step]} s", flush=True)

            report = adopt_account(config, None, stores, progress=progress, clock=lambda: now)
            seconds = time.perf_counter() - began
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    figures = {
        "benchmark": "adopt", "scenario": args.scenario, "store": "url" if args.store_url else "sqlite",
        "adopt_seconds": round(seconds, 1), "step_started_at_seconds": steps,
        "floor_list_payments_seconds": round(floor, 1), "floor_payments": floor_payments,
        "ratio_to_floor": round(seconds / floor, 1),
        "mollie": {k: getattr(report, k) for k in ("customers", "mandates", "subscriptions", "payments",
                                                   "chargebacks", "settlements")},
        "held": report.held, "matched": report.matched, "subscriptions_linked": report.subscriptions_linked,
        "exceptions": dict(Counter(e.kind for e in report.exceptions)),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
