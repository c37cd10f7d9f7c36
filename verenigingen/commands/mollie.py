"""`bench --site SITE mollie …`: Mollie operations from the terminal.

Exit codes: 0 done; 1 Mollie refused, failed or a check did not pass; 2 bad usage (click);
3 configuration problem (no such Mollie Settings record, account switched off, missing key).
Errors are one line on stderr, never a stack trace or a secret.

Frappe is imported inside the commands, so listing bench commands stays cheap.
"""

from __future__ import annotations

import functools
import sys

import click

from verenigingen.commands.table import render_table

EXIT_FAILED = 1
EXIT_CONFIGURATION = 3


def _fail(message: str, code: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def site_command(func):
    """Bind the site from `bench --site`, run `func(settings_name)`, map Mollie errors to exit codes."""

    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args, **kwargs):
        import frappe

        from verenigingen.verenigingen_payments.core.errors import ConfigurationError, MollieError

        sites = (ctx.obj or {}).get("sites") or []
        if not sites:
            _fail("no site given: run as bench --site SITE mollie …", EXIT_CONFIGURATION)
        frappe.init(site=sites[0])
        frappe.connect()
        try:
            return func(*args, **kwargs)
        except ConfigurationError as exc:
            _fail(exc.message, EXIT_CONFIGURATION)
        except MollieError as exc:
            _fail(f"{type(exc).__name__}: {exc.message}", EXIT_FAILED)
        finally:
            frappe.destroy()

    return wrapper


def _settings_name(settings: str | None) -> str:
    """The named record, or the only enabled one; a configuration error otherwise."""
    import frappe

    from verenigingen.verenigingen_payments.core.errors import ConfigurationError

    if settings:
        return settings
    enabled = frappe.get_all(
        "Mollie Settings", filters={"enable_backend_api": 1}, pluck="name", order_by="name"
    )
    if len(enabled) != 1:
        raise ConfigurationError(
            f"name the account with --settings (enabled accounts: {', '.join(enabled) or 'none'})"
        )
    return enabled[0]


settings_option = click.option(
    "--settings", "settings", default=None, help="Name of the Mollie Settings record."
)


@click.group("mollie")
def mollie():
    """Mollie finance operations (balances, connection checks, later reconciliation and disputes)."""


@mollie.command("test-connection")
@settings_option
@site_command
def test_connection(settings: str | None):
    """Check which credentials of an account work and what they can reach."""
    import frappe

    from verenigingen.verenigingen_payments.frappe_integration.account_status import run_and_record_check

    report = run_and_record_check(_settings_name(settings))
    frappe.db.commit()  # keep the recorded status; bench commands have no request to commit for them
    click.echo(render_report(report))
    if report.status != "Connected":
        sys.exit(EXIT_FAILED)


@mollie.command("balances")
@settings_option
@site_command
def balances(settings: str | None):
    """Print the account's Mollie balances (available and pending, exact amounts)."""
    from verenigingen.verenigingen_payments.frappe_integration.balance_view import fetch_balances

    name = _settings_name(settings)
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


# Subcommands defined in their own modules register themselves on import (after `mollie` exists).
from verenigingen.commands import reconciliation as _reconciliation  # noqa: E402,F401  (reconcile, sync-payments)
