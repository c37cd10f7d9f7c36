"""`bench --site SITE mollie adopt [--settings NAME]`: the first sync of an account the association
already had (customers matched to members, mandates, subscriptions, payment history, chargebacks as
Dispute Cases, settlements). Prints a progress line per step, the counts and the exception list with
what to do. Run it again to resume a stopped run; a finished one adds nothing. Exit 0 done (exceptions
are listed, they do not fail the run), 1 Mollie failed, 3 configuration."""

from __future__ import annotations

import click

from verenigingen.commands.group import mollie, settings_name, settings_option, site_command


@mollie.command("adopt")
@settings_option
@site_command
def adopt(settings):
    """Adopt the existing Mollie account: import its members' subscriptions, history and open chargebacks."""
    from verenigingen.verenigingen_payments.frappe_integration.adoption.site import adopt as adopt_site

    name = settings_name(settings)
    last = {}

    def line(step: str, done: int) -> None:
        if last.get(step) is None or done - last[step] >= 100 or done == 0:
            click.echo(f"  {step}: {done}")
            last[step] = done

    report = adopt_site(name, on_progress=line)
    click.echo(f"adopted {name}: " + ", ".join(f"{k} {v}" for k, v in report.counts().items()))
    click.echo(f"new this run: subscriptions {report.subscriptions_adopted}, dispute cases {report.dispute_cases_opened}")
    click.echo(f"exceptions: {len(report.exceptions)}")
    for exception in report.exceptions:
        click.echo(f"  {exception.kind} {exception.mollie_id}: {exception.detail} — {exception.what_to_do}")
