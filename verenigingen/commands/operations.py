"""`bench --site SITE mollie health` and `bench --site SITE mollie check-config`.

health runs the readiness checks with their reasons (the guest endpoint shows only names);
check-config names every configuration problem. Both exit 0 when all is well, 1 otherwise.
"""

from __future__ import annotations

import sys

import click

from verenigingen.commands.group import EXIT_FAILED, mollie, site_command
from verenigingen.commands.table import render_table


@mollie.command("health")
@site_command
def health():
    """Readiness of this site for Mollie work: database, Redis, workers, scheduler, each account."""
    from verenigingen.verenigingen_payments.api.operations_site import readiness_checks
    from verenigingen.verenigingen_payments.observability.health import run_checks

    results = run_checks(readiness_checks())
    click.echo(render_table(["Check", "Result", "Detail"],
                            [[r.name, "ok" if r.healthy else "UNHEALTHY", r.detail] for r in results]))
    if not all(r.healthy for r in results):
        sys.exit(EXIT_FAILED)


@mollie.command("check-config")
@site_command
def check_config():
    """Name every problem: unsafe accounts (no webhook secret or encryption key on a live account, test keys
    in production, emulator URLs), disabled accounts, missing webhook registrations, queues no worker
    serves, keys due for rotation. Exit 0 when the site is ready, 1 otherwise."""
    from verenigingen.verenigingen_payments.api.operations_site import config_problems, site_facts

    facts = site_facts()
    problems = config_problems()
    click.echo(f"environment: {facts.environment}; accounts checked: {len(facts.accounts)}")
    for problem in problems:
        click.echo(f"PROBLEM {problem}")
    if problems:
        click.echo(f"not ready: {len(problems)} problem(s)")
        sys.exit(EXIT_FAILED)
    click.echo("configuration OK: ready")
