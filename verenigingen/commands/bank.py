"""`bench --site S mollie bank import FILE` and `bench --site S mollie bank match`.

`import` reads and checks the whole file (CAMT.053 or MT940) before it stores anything, and commits
it as one: a bad file is one line on stderr naming the file and place, exit 2, nothing stored.
`match` matches the account's Mollie payouts to the imported lines and exits 1 when it finds
something to act on.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from verenigingen.commands import checks
from verenigingen.commands.group import EXIT_FAILED, mollie, settings_name, settings_option, site_command
from verenigingen.commands.table import render_table

EXIT_USAGE = 2


@mollie.group("bank")
def bank():
    """The association's bank account: import statements, match Mollie's payouts to them."""


@bank.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--iban", default=None, callback=checks.iban, help="Refuse a statement of any other account.")
@site_command
def import_statement(path: Path, iban: str | None):
    """Import a bank statement file (CAMT.053 .02/.08 or MT940); lines already held are skipped."""
    import frappe

    from verenigingen.verenigingen_payments.bank.statement import StatementError
    from verenigingen.verenigingen_payments.frappe_integration.bank.matching import import_statement_file

    try:
        outcome = import_statement_file(path.read_bytes(), path.name, iban)
    except StatementError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    frappe.db.commit()
    click.echo(f"{path.name}: {outcome.statements} statement(s), {outcome.lines_added} lines added, "
               f"{outcome.lines_known} already imported")


@bank.command("match")
@settings_option
@click.option("--iban", default=None, callback=checks.iban, help="The bank account (default: the only one with statements).")
@click.option("--from", "from_", default=None, callback=checks.day, help="First day of the payouts (inclusive).")
@click.option("--until", "until", default=None, callback=checks.day, help="Day after the last (exclusive).")
@click.option("--days", default=3, type=click.IntRange(1, 10), help="Bank business days a payout may take.")
@site_command
def match(settings: str | None, iban: str | None, from_: date | None, until: date | None, days: int):
    """Match the account's Mollie payouts to the imported bank lines and print what does not match."""
    from verenigingen.verenigingen_payments.frappe_integration.bank.matching import match_account

    result = match_account(settings_name(settings), iban, from_, until, days)
    click.echo(f"Payouts at the bank — {result.iban}, statements {result.bank.covered_from} – "
               f"{result.bank.covered_until}, within {days} business days")
    click.echo(render_table(
        ["Settlement", "Reference", "Paid out", "Amount", "At the bank", "Status"],
        [[m.payout.settlement_id, m.payout.reference, m.payout.paid_day, f"{m.payout.currency} {m.payout.amount:f}",
          ", ".join(x.entry_ref for x in m.lines) or "—", m.status] for m in result.outcome.matches],
        right_aligned={3}))
    for f in result.outcome.findings:
        click.echo(f"- {f.kind} {', '.join(f.ids)}: {f.currency} {f.amount:f} — {f.action}")
    if result.outcome.findings:
        raise SystemExit(EXIT_FAILED)
    click.echo("Every payout that is due is at the bank.")
