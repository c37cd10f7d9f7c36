"""`bench --site SITE mollie sync-subscriptions [--settings NAME]`: the 6-hourly subscription sync,
run now. Without --settings every enabled account is synced, as the scheduled job does; with it,
only that account. The site's records (Mollie Subscription and friends) are used and committed.

Exit codes as for the whole group: 0 every account synced, 1 an account's sync failed at Mollie,
3 a configuration problem (no such record, backend API switched off, missing key).
"""

from __future__ import annotations

import sys

import click

from verenigingen.commands.group import EXIT_CONFIGURATION, EXIT_FAILED, mollie, settings_option, site_command
from verenigingen.commands.table import render_table

HEADERS = ["Account", "Subscriptions", "Payments", "Transitions", "Open drift", "Untracked", "Result"]


def summary_rows(results: dict) -> list[list[object]]:
    rows = []
    for account, outcome in results.items():
        if isinstance(outcome, Exception):
            detail = getattr(outcome, "message", None) or str(outcome) or type(outcome).__name__
            rows.append([account, "", "", "", "", "", f"FAILED: {type(outcome).__name__}: {detail}"])
        else:
            result = f"ok (resumed from {outcome.resumed_from})" if outcome.resumed else "ok"
            rows.append(
                [
                    account,
                    outcome.subscriptions,
                    outcome.payments,
                    outcome.transitions,
                    outcome.open_drift,
                    len(outcome.untracked),
                    result,
                ]
            )
    return rows


def exit_code(results: dict) -> int:
    from verenigingen.verenigingen_payments.core.errors import ConfigurationError

    failures = [o for o in results.values() if isinstance(o, Exception)]
    if not failures:
        return 0
    return EXIT_CONFIGURATION if all(isinstance(f, ConfigurationError) for f in failures) else EXIT_FAILED


@mollie.command("sync-subscriptions")
@settings_option
@site_command
def sync_subscriptions(settings: str | None):
    """Sync Mollie subscriptions and their payments into this site (all enabled accounts by default)."""
    import frappe

    from verenigingen.verenigingen_payments.workflows.subscription_manager import (
        sync_all_subscription_payments,
    )

    results = sync_all_subscription_payments([settings] if settings else None)
    frappe.db.commit()  # bench commands have no request to commit for them
    if not results:
        click.echo("No Mollie Settings record has the backend API switched on; nothing to sync.")
        return
    click.echo(render_table(HEADERS, summary_rows(results), right_aligned={1, 2, 3, 4, 5}))
    code = exit_code(results)
    if code:
        sys.exit(code)
