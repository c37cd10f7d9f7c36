"""The README's main job: the daily finance cycle against the Mollie emulator (or any
Mollie-compatible API), through the same clients and engine a Frappe site runs.

It starts the emulator on a seeded scenario (with --adopt, the account an association already has:
adopted first, with what is held against Mollie's counts and the exception list), prints the morning briefing (balances, settlements,
chargebacks), backfills the local payment ledger, reconciles the period, prints per settlement
what adds up and every discrepancy with its evidence, scores the findings against the scenario's
ground truth, matches Mollie's payouts to the association's bank statement ("Payouts at the bank",
scored against the scenario's bank ground truth), exports complete months of Mollie's balance as
CAMT.053, and writes the same as a Markdown report under var/reports/.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterator

from ..clients import MollieConfig, SettlementsClient
from ..core.errors import InvalidInput, MollieError
from ..core.input_limits import require_period
from ..sandbox import MollieEmulator
from ..store.reconciliation_runs import COMPLETED
from ..workflows.reconciliation.scoring import score
from ..workflows.reconciliation.finance_report import render_markdown
from ..workflows.reconciliation_engine import Period, ReconciliationStores, reconcile_account
from ..core.calendar import AMSTERDAM
from ..store.sql.store_url import probe_store
from .adopt_step import adopt_first
from .bank_step import payouts_at_bank_section
from .collections_section import collections_section
from .cycle_arguments import EXIT_USAGE, one_line, parse_arguments
from .morning_briefing import fetch_briefing, render_briefing


@contextlib.contextmanager
def _account(args: argparse.Namespace) -> Iterator[tuple[MollieConfig, MollieEmulator | None]]:
    if args.base_url:
        yield MollieConfig(api_key=args.api_key, organization_token=args.organization_token,
                           base_url=args.base_url, account="remote"), None
        return
    with MollieEmulator(args.scenario, seed=args.seed, discrepancies=not args.clean) as emulator:
        account = f"{args.scenario}-{args.seed}{'-clean' if args.clean else ''}"
        yield MollieConfig(api_key=emulator.api_key, organization_token=emulator.organization_token,
                           base_url=emulator.base_url, account=account), emulator


def _period(args: argparse.Namespace, config: MollieConfig, today: date) -> Period:
    """By default: from the first month any settlement covers up to and including today."""
    if args.from_date and args.until_date:
        return Period(args.from_date, args.until_date)
    first = min((s.created_at for s in SettlementsClient(config).iter_settlements() if s.created_at), default=None)
    start = (first.astimezone(AMSTERDAM).date() if first else today).replace(day=1)
    period = Period(args.from_date or start, args.until_date or today + timedelta(days=1))
    require_period(period.from_date, period.until_date)  # one side given, the other default
    return period


def store_url(args: argparse.Namespace) -> str:
    """The store named by --store-url (reachable, checked by now) or the default SQLite file under var/."""
    if args.store_url is None:
        return _default_store_url()
    probe_store(args.parsed_store_url)
    return args.store_url


def open_stores(args: argparse.Namespace) -> ReconciliationStores:
    return ReconciliationStores.sql(store_url(args))


def run(args: argparse.Namespace, out=sys.stdout, stores: ReconciliationStores | None = None) -> int:
    stores = stores or open_stores(args)
    with _account(args) as (config, emulator):
        now = datetime.fromisoformat(emulator.control.info()["now"]) if emulator else datetime.now(AMSTERDAM)
        today = now.astimezone(AMSTERDAM).date()
        period = _period(args, config, today)
        source = f"the emulator ({args.scenario}, seed {args.seed})" if emulator else config.base_url
        header = [f"# Mollie finance cycle — {config.account}", "",
                  f"Source: {source} at {config.base_url}; today is {today} (Europe/Amsterdam).", ""]
        clock = _running_from(now) if emulator else None
        if args.adopt:
            adopted = adopt_first(args, config, store_url(args), clock or (lambda: datetime.now(AMSTERDAM)),
                                  lambda line: print(line, file=out, flush=True))
            header += ["## Adoption", "", "```", *adopted, "```", ""]
        briefing = render_briefing(fetch_briefing(config))
        print("\n".join(header) + briefing, file=out, flush=True)

        print(f"Reconciling {period.from_date} – {period.until_date} (backfilling the ledger first) …\n",
              file=out, flush=True)
        record = reconcile_account(config, stores, period, clock=clock)
        discrepancies = stores.runs.list_discrepancies(config.account, run_id=record.run_id)
        scores = None
        if emulator:
            scores = score([(d.kind, d.ids) for d in discrepancies], emulator.control.ground_truth())
        report = render_markdown(record, discrepancies, scores)
        print(report, file=out, flush=True)
        bank = payouts_at_bank_section(args, config, emulator, args.store_url or _default_store_url(), period, today,
                                       args.report_dir)
        print(bank, file=out, flush=True)
        report += "\n" + bank
        print("Collecting dues (pre-notifications, failed collections, retries, reminders) …\n", file=out, flush=True)
        collections = collections_section(config, args.store_url or _default_store_url(), emulator, now,
                                          days=args.collection_days, seed=args.seed)
        print(collections, file=out, flush=True)
        report += "\n" + collections

    path = _write_report(args.report_dir, config.account, today, "\n".join(header) + briefing + "\n" + report)
    print(f"Report written to {path}", file=out)
    return 0 if record.status == COMPLETED else 1


def _running_from(start: datetime):
    """The emulator's clock stands still between requests: run from its now at wall-clock pace."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def _default_store_url() -> str:
    Path("var").mkdir(exist_ok=True)
    return f"sqlite:///{Path('var/verenigingen.sqlite3').resolve()}"


def _write_report(directory: Path, account: str, today: date, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"finance-cycle-{account}-{today}.md"
    path.write_text(text)
    return path


def main(argv: list[str] | None = None) -> int:
    """Arguments and store checked first: a refusal is one line on stderr and exit 2, nothing touched."""
    try:
        args = parse_arguments(argv, __doc__.split("\n\n")[0])
        stores = open_stores(args)
    except InvalidInput as exc:
        print(one_line(f"finance-cycle: {exc.message}"), file=sys.stderr)
        return EXIT_USAGE
    try:
        return run(args, stores=stores)
    except MollieError as exc:
        print(one_line(f"finance-cycle: {type(exc).__name__}: {exc}"), file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
