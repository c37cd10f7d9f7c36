"""`bench --site SITE mollie webhooks …`: the webhook log from the terminal.

- `replay [--id ID ...] [--failed] [--since DATE]`: reprocess deliveries (same effect dedupe, so
  replaying an applied state changes nothing); `--since` is site-local (`2025-03-01` or `2025-03-01 14:00`).
- `register [--settings NAME] [--url URL] [--events a,b]`: create or update the account's next-gen
  webhook subscription at Mollie and keep its signing secret (`Mollie Webhook Subscription`).
- `ping [--settings NAME]`: Mollie sends the subscription a signed `webhook.ping`.
- `status`: rows of the Webhook Log by status.

Exit codes as for the whole group (0 done, 1 Mollie failed / nothing replayable, 2 usage, 3 configuration).
"""

from __future__ import annotations

import sys

import click

from verenigingen.commands import checks
from verenigingen.commands.group import EXIT_FAILED, mollie, settings_name, settings_option, site_command
from verenigingen.commands.table import render_table


@mollie.group("webhooks")
def webhooks():
    """Mollie webhooks: replay deliveries, register and ping the next-gen subscription."""


def _since(value):
    """The site-local moment `--since` named (checked by checks.moment) as an aware instant."""
    if value is None:
        return None
    from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import site_time

    return site_time(value)


@webhooks.command("replay")
@click.option("--id", "ids", multiple=True, callback=checks.webhook_log_id,
              help="A Mollie Webhook Log name (repeatable).")
@click.option("--failed", is_flag=True, help="Every failed delivery.")
@click.option("--since", default=None, callback=checks.moment,
              help="Every delivery received since this site-local date/time (YYYY-MM-DD [HH:MM]).")
@site_command
def replay(ids: tuple[str, ...], failed: bool, since):
    """Reprocess deliveries: by id, every failed one, or everything since a date."""
    if not (ids or failed or since):
        raise click.UsageError("name what to replay: --id ID, --failed or --since DATE")
    from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import replay as replay_rows

    queued = replay_rows(ids=list(ids) or None, failed=failed, since=_since(since))
    click.echo(f"Queued {len(queued)} webhook deliveries for processing.")
    for log_id in queued:
        click.echo(f"  {log_id}")
    if ids and len(queued) < len(ids):
        sys.exit(EXIT_FAILED)


@webhooks.command("register")
@settings_option
@click.option("--url", default=None, callback=checks.http_url,
              help="Endpoint Mollie should call (default: this site's webhook URL).")
@click.option("--events", default="*", callback=checks.event_type_list,
              help="Comma-separated event types (default: every event).")
@site_command
def register(settings: str | None, url: str | None, events: str):
    """Create or update the account's next-gen webhook subscription at Mollie."""
    import frappe

    from verenigingen.verenigingen_payments.frappe_integration.webhooks.registration import (
        register as register_hook,
    )

    event_types = "*" if events.strip() == "*" else [e.strip() for e in events.split(",") if e.strip()]
    done = register_hook(settings_name(settings), url=url, event_types=event_types)
    frappe.db.commit()
    click.echo(f"Webhook {done.webhook_id} {done.action} for {done.account!r}: {done.url}")
    click.echo(f"Event types: {', '.join(done.event_types)}")


@webhooks.command("ping")
@settings_option
@site_command
def ping(settings: str | None):
    """Ask Mollie to send the subscription a signed ping (it shows in the Webhook Log as ignored)."""
    import frappe

    from verenigingen.verenigingen_payments.frappe_integration.webhooks.registration import ping as ping_hook

    webhook_id = ping_hook(settings_name(settings))
    frappe.db.commit()
    click.echo(f"Ping requested for {webhook_id}.")


@webhooks.command("status")
@site_command
def status():
    """Webhook Log rows by status."""
    from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore

    counts = FrappeWebhookLogStore(commit=False).count_by_status()
    click.echo(render_table(["Status", "Rows"], sorted(counts.items()), right_aligned={1}))
