"""The `bench --site SITE mollie …` group and what every subcommand module shares.

Exit codes: 0 done; 1 Mollie refused, failed or a check did not pass; 2 bad usage (click, including an
option outside the declared limits — commands/checks.py — refused before the site is bound);
3 configuration problem (no such Mollie Settings record, account switched off, missing key).
Errors are one line on stderr, never a stack trace or a secret.

Frappe is imported inside the commands, so listing bench commands stays cheap.
"""

from __future__ import annotations

import functools
import sys

import click

from verenigingen.commands import checks

EXIT_FAILED = 1
EXIT_CONFIGURATION = 3


def fail(message: str, code: int) -> None:
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
            fail("no site given: run as bench --site SITE mollie …", EXIT_CONFIGURATION)
        frappe.init(site=sites[0])
        frappe.connect()
        try:
            return func(*args, **kwargs)
        except ConfigurationError as exc:
            fail(exc.message, EXIT_CONFIGURATION)
        except MollieError as exc:
            fail(f"{type(exc).__name__}: {exc.message}", EXIT_FAILED)
        finally:
            frappe.destroy()

    return wrapper


def settings_name(settings: str | None) -> str:
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
    "--settings", "settings", default=None, callback=checks.settings_name, help="Name of the Mollie Settings record."
)


@click.group("mollie")
def mollie():
    """Mollie finance operations (balances, connection checks, later reconciliation and disputes)."""
