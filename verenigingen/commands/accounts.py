"""`bench --site SITE mollie test-connection|balances`: is the account reachable, and what it holds."""

from __future__ import annotations

import sys

import click

from verenigingen.commands.group import EXIT_FAILED, mollie, settings_name, settings_option, site_command
from verenigingen.commands.table import render_table


@mollie.command("test-connection")
@settings_option
@site_command
def test_connection(settings: str | None):
    """Check which credentials of an account work and what they can reach."""
    import frappe

    from verenigingen.verenigingen_payments.frappe_integration.settings.account_status import (
        run_and_record_check,
    )

    report = run_and_record_check(settings_name(settings))
    frappe.db.commit()  # keep the recorded status; bench commands have no request to commit for them
    click.echo(render_report(report))
    if report.status != "Connected":
        sys.exit(EXIT_FAILED)


@mollie.command("balances")
@settings_option
@site_command
def balances(settings: str | None):
    """Print the account's Mollie balances (available and pending, exact amounts)."""
    from verenigingen.verenigingen_payments.frappe_integration.monitoring.balance_view import fetch_balances

    name = settings_name(settings)
    rows = [
        [b["id"], b["currency"], b["status"], b["available_amount"]["value"], b["pending_amount"]["value"]]
        for b in fetch_balances(name)
    ]
    click.echo(f"Mollie balances of {name!r}")
    click.echo(
        render_table(["Balance", "Currency", "Status", "Available", "Pending"], rows, right_aligned={3, 4})
    )


def render_report(report) -> str:
    lines = [f"Mollie account {report.account!r}: {report.status} ({report.base_url})"]
    if not report.enabled:
        lines.append("Backend API is switched off for this account (enable_backend_api).")
    table = render_table(
        ["Credential", "Resource", "Result", "Detail"],
        [[r.credential, r.resource, "ok" if r.ok else "FAILED", r.detail] for r in report.results],
    )
    return "\n".join([*lines, table])
