"""`bench --site S mollie reconcile` and `bench --site S mollie sync-payments`.

Both run in this process on the site's DocTypes (`Mollie Reconciliation Run`, `Mollie Payment`),
under the account's reconciliation lock, committing as they go so an interrupted command resumes
where it stopped. `reconcile` exits 1 when the run failed or left open discrepancies (a check that
did not pass), 3 when the account cannot be used or another run of it holds the lock.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date, datetime, timedelta

import click

from verenigingen.commands import checks
from verenigingen.commands.group import (
    EXIT_FAILED,
    fail,
    mollie,
    settings_name,
    settings_option,
    site_command,
)
from verenigingen.commands.table import render_table
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM, amsterdam_midnight


def period_of(day: date | None, start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """`--date D` is [D, D+1); `--from/--until` is [from, until); nothing is yesterday."""
    if day and (start or end):
        raise click.UsageError("give either --date or --from/--until, not both")
    if day:
        return day, day + timedelta(days=1)
    if start or end:
        if not (start and end):
            raise click.UsageError("--from and --until go together")
        if end <= start:
            raise click.UsageError("--until must be after --from (it is exclusive)")
        return start, end
    return today - timedelta(days=1), today


def render_run(run, discrepancies) -> str:
    lines = [f"Reconciliation {run.run_id}: {run.status} — {run.settlements_checked} settlements, "
             f"{run.transactions_checked} balance transactions, {run.discrepancy_count} discrepancies "
             f"({(run.duration_ms or 0) / 1000:.1f} s)"]
    if run.error:
        lines.append(f"Error: {run.error}")
    settlements = run.totals.get("settlements", [])
    if settlements:
        lines.append(render_table(
            ["Settlement", "Status", "Paid out", "Lines total", "Adds up", "Discrepancies"],
            [[s["id"], s["status"], f"{s['currency']} {s['amount']}", f"{s['currency']} {s['lines_total']}",
              "yes" if s["adds_up"] else "NO", s["discrepancies"]] for s in settlements],
            right_aligned={2, 3, 5}))
    counts = Counter((d.kind, d.status) for d in discrepancies)
    if counts:
        lines.append(render_table(["Discrepancy kind", "Status", "Count"],
                                  [[kind, status, n] for (kind, status), n in sorted(counts.items())],
                                  right_aligned={2}))
    return "\n".join(lines)


@mollie.command("reconcile")
@settings_option
@click.option("--date", "on", default=None, callback=checks.day,
              help="Reconcile this Europe/Amsterdam day (YYYY-MM-DD).")
@click.option("--from", "from_", default=None, callback=checks.day, help="First day of the period (inclusive).")
@click.option("--until", "until", default=None, callback=checks.day, help="Day after the period (exclusive).")
@checks.checked_first(lambda on, from_, until, **_: period_of(on, from_, until, datetime.now(AMSTERDAM).date()))
@site_command
def reconcile(settings: str | None, on: date | None, from_: date | None, until: date | None):
    """Reconcile an account (default: yesterday) and print what adds up and what does not."""
    from verenigingen.verenigingen_payments.frappe_integration.reconciliation.jobs import reconcile_now
    from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import (
        FrappeReconciliationStore,
    )

    start, end = period_of(on, from_, until, datetime.now(AMSTERDAM).date())
    name = settings_name(settings)
    try:
        run = reconcile_now(name, start, end)
    except Exception as exc:
        from verenigingen.verenigingen_payments.core.errors import MollieError

        if isinstance(exc, MollieError):
            raise
        fail(f"reconciliation of {name!r} failed: {type(exc).__name__}: {exc}", EXIT_FAILED)
    found = FrappeReconciliationStore(commit=True).list_discrepancies(name, run_id=run.run_id)
    click.echo(f"Mollie account {name!r}, {start} – {end} (until exclusive)")
    click.echo(render_run(run, found))
    if run.status != "completed" or any(d.status == "open" for d in found):
        sys.exit(EXIT_FAILED)


@mollie.command("sync-payments")
@settings_option
@click.option("--since", "since", default=None, callback=checks.day,
              help="Only payments created on or after this day (YYYY-MM-DD).")
@site_command
def sync_payments_command(settings: str | None, since: date | None):
    """Backfill the local payment ledger (Mollie Payment) from Mollie; resumes an interrupted sync."""
    from verenigingen.verenigingen_payments.clients import PaymentsClient
    from verenigingen.verenigingen_payments.frappe_integration.reconciliation.jobs import account_lock
    from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import (
        FrappePaymentLedger,
    )
    from verenigingen.verenigingen_payments.workflows.reconciliation.payment_sync import sync_payments

    day = since
    start = amsterdam_midnight(day) if day else None
    name = settings_name(settings)
    ledger = FrappePaymentLedger(commit=True)
    with account_lock(name):
        resuming = ledger.get_sync_cursor(name)
        cursor = sync_payments(PaymentsClient(name), ledger, name, since=start)
    if resuming.started_at and not resuming.completed_at:
        click.echo(f"Resumed the interrupted sync started {resuming.started_at:%Y-%m-%d %H:%M} UTC.")
    click.echo(f"Mollie account {name!r}: {cursor.synced} payments synced"
               f"{f' since {day}' if day else ''}; the ledger holds {ledger.count(name)} payments.")
