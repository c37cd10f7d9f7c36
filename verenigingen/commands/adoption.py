"""`bench --site SITE mollie adopt [--settings NAME]`: the first sync of an account the association
already had (customers matched to members, mandates, subscriptions, payment history, chargebacks as
Dispute Cases, settlements). Prints a progress line per step, the counts held against Mollie's and the
exception list with what to do. Run it again to resume a stopped run; a finished one adds nothing.
Exit 0 done (exceptions are listed, they do not fail the run), 1 Mollie failed, 3 configuration."""

from __future__ import annotations

import click

from verenigingen.commands.group import mollie, settings_name, settings_option, site_command


@mollie.command("adopt")
@settings_option
@site_command
def adopt(settings):
    """Adopt the existing Mollie account: import its members' subscriptions, history and open chargebacks."""
    from verenigingen.verenigingen_payments.frappe_integration.adoption.site import adopt as adopt_site
    from verenigingen.verenigingen_payments.workflows.adoption.report_text import progress_printer, report_lines

    report = adopt_site(settings_name(settings), on_progress=progress_printer(click.echo))
    for line in report_lines(report):
        click.echo(line)
