"""`bench --site S mollie collections`: the dunning cases of the site (or of `--settings`), filtered by
`--state` (repeatable) and `--unreached`, each with its member, period, amount, reason in plain words,
decision and next action; `--run` runs the collections day first (pre-notifications due, failures,
retries, reminders), as the daily job does, for the named account or every account with collections
enabled (an account without collections enabled is refused, exit 3: a run may charge members). Exit 1
when a run held a member's step (a Mollie error) or an account's run failed.
"""

from __future__ import annotations

import click

from verenigingen.commands.group import EXIT_FAILED, mollie, settings_option, site_command
from verenigingen.commands.table import render_table
from verenigingen.verenigingen_payments.collection.dunning import STATES


@mollie.command("collections")
@settings_option
@click.option("--state", "states", multiple=True, type=click.Choice(STATES), help="Only cases in this state.")
@click.option("--unreached", is_flag=True, help="Only cases whose member a reminder could not reach.")
@click.option("--run", is_flag=True, help="Run the collections day now (as the daily job), then list.")
@site_command
def collections(settings: str | None, states: tuple[str, ...], unreached: bool, run: bool):
    """Dunning cases: state, member, period, amount, reason in plain words and the next action."""
    from verenigingen.verenigingen_payments.core.errors import ConfigurationError
    from verenigingen.verenigingen_payments.frappe_integration.collections.account import collection_accounts
    from verenigingen.verenigingen_payments.frappe_integration.collections.jobs import run_collections_daily

    failed = False
    if run:
        if settings and settings not in collection_accounts():
            raise ConfigurationError(f"collections are not enabled for {settings!r} (Mollie Settings → Collections, "
                                     "with its backend API on): nothing is run")
        for account, outcome in run_collections_daily([settings] if settings else None).items():
            if isinstance(outcome, str):
                failed = True
                click.echo(f"{account}: the run failed ({outcome}); see the Error Log")
                continue
            notices = outcome["pre_notifications"]
            failed = failed or bool(outcome["errors"])
            click.echo(f"{account}: pre-notifications {notices['sent']} sent, {notices['resent']} re-sent, "
                       f"{notices['exceptions']} exceptions; {outcome['failures']} new failures, "
                       f"{outcome['retries_scheduled']} retries scheduled, {outcome['retries_sent']} sent, "
                       f"{outcome['reminders']} reminders ({outcome['unreached']} not reached), "
                       f"{outcome['recovered']} recovered, {outcome['errors']} held by a Mollie error")
    rows = case_rows(settings, states, unreached)
    click.echo(case_table(rows))
    click.echo(f"{len(rows)} case(s)")
    if failed:
        raise SystemExit(EXIT_FAILED)


def case_rows(settings: str | None, states: tuple[str, ...] = (), unreached: bool = False) -> list:
    import frappe

    from verenigingen.verenigingen_payments.frappe_integration.collections.store import CASE

    filters: dict = {}
    if settings:
        filters["settings_name"] = settings
    if states:
        filters["state"] = ["in", list(states)]
    if unreached:
        filters["unreached"] = 1
    return frappe.get_all(CASE, filters=filters, order_by="settings_name, period, member_reference",
                          fields=["settings_name", "member_reference", "period", "state", "amount", "currency",
                                  "reason_code", "reason", "decision", "next_action_on", "unreached_reason"])


def case_table(rows: list) -> str:
    return render_table(
        ["Account", "Member", "Period", "State", "Amount", "Reason", "Decision", "Next action", "Not reached"],
        [[r.settings_name, r.member_reference, r.period, r.state, f"{r.currency} {r.amount:.2f}",
          f"{r.reason_code} {r.reason}".strip() or "—", r.decision or "", r.next_action_on or "",
          r.unreached_reason or ""] for r in rows], right_aligned={4})
