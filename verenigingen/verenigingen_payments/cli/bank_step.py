"""The main job's "Payouts at the bank" step: the association's bank statement (the scenario's own,
or `--bank-statement FILE`) imported into the store, Mollie's payouts matched to it, the three-way
summary, and — for complete months of the period — Mollie's balance written as a CAMT.053 file a
bookkeeping package can import as one more bank account."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..bank.statement_file import read_statement_bytes
from ..clients import MollieConfig
from ..sandbox import MollieEmulator
from ..store.sql import open_store_engine
from ..store.sql.bank_statement_store import SqlBankStatementStore
from ..workflows.mollie_statement.export import export_mollie_statement
from ..workflows.payouts_at_bank.inputs import MatchRules
from ..workflows.payouts_at_bank.report import render_payouts_at_bank
from ..workflows.payouts_at_bank.run import payouts_at_bank
from ..workflows.payouts_at_bank.scoring import score_bank
from ..workflows.reconciliation_engine import Period


def payouts_at_bank_section(args: argparse.Namespace, config: MollieConfig, emulator: MollieEmulator | None,
                            store_url: str, period: Period, today: date, report_dir: Path) -> str:
    if args.bank_statement is None and emulator is None:
        return "## Payouts at the bank\n\nNo bank statement given (`--bank-statement FILE`): step skipped.\n"
    rules = MatchRules(business_days=args.bank_days)
    if args.bank_statement is not None:
        statements = args.bank_statements  # read and checked with the other arguments
        source = str(args.bank_statement)
    else:
        account = emulator.control.bank_account()
        name, data = emulator.control.bank_statement("camt053")
        statements = read_statement_bytes(data, name, expect_iban=account["iban"])
        rules = MatchRules(business_days=args.bank_days, mollie_ibans=frozenset({account["mollie_iban"]}))
        source = f"the scenario's own statement {name}"
    store = SqlBankStatementStore(open_store_engine(store_url))
    imported = store.import_statements(statements)
    iban = statements[0].iban
    result = payouts_at_bank(config, store, iban, period.from_date, period.until_date, rules)
    scores = score_bank(result.outcome.findings, emulator.control.bank_ground_truth()) \
        if emulator is not None and args.bank_statement is None else None
    text = (f"Bank statement: {source} — {imported.lines_added} lines added, {imported.lines_known} already "
            f"imported.\n\n" + render_payouts_at_bank(result, scores))
    return text + _mollie_export(config, period, today, report_dir)


def _mollie_export(config: MollieConfig, period: Period, today: date, report_dir: Path) -> str:
    last_complete = today.replace(day=1)
    first = period.from_date.replace(day=1) if period.from_date.day == 1 else _next_month(period.from_date)
    if first >= last_complete:
        return "\nMollie as a bank account: no complete month in the period to export yet.\n"
    exported = export_mollie_statement(config, first, last_complete)
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / exported.filename
    path.write_bytes(exported.data)
    s = exported.statement
    return (f"\n### Mollie as a bank account\n\n{s.from_date} – {s.to_date}: opening {s.opening:f}, closing "
            f"{s.closing:f} {s.currency} (Mollie's balance report), {len(s.lines)} entries, written as CAMT.053 "
            f"to {path}\n")


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
