"""`bench --site SITE mollie rotate-key` and `bench --site SITE mollie verify-audit`.

rotate-key runs the guided rotation (`MollieSecurityManager`): a credential staged on the Mollie
Settings record is verified at Mollie, switched, and the old one kept for the grace period; with
nothing staged it re-encrypts app-owned values and reports the key's age. Each step is committed
and audited. verify-audit walks the site's Mollie Audit Log chain and names the first entry that
was edited, deleted or reordered (exit 1).
"""

from __future__ import annotations

import sys

import click

from verenigingen.commands.group import EXIT_FAILED, mollie, settings_name, settings_option, site_command

KINDS = ("secret_key", "organization_access_token", "webhook_secret")


@mollie.command("rotate-key")
@settings_option
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="Switch only this staged credential (default: every staged one).")
@site_command
def rotate_key(settings: str | None, kind: str | None):
    """Switch to a staged, Mollie-verified key/token/secret, or report the key's age."""
    from verenigingen.verenigingen_payments.core.security import MollieSecurityManager
    from verenigingen.verenigingen_payments.frappe_integration.security import seams as security_seams

    name = settings_name(settings)
    store = security_seams.rotation_settings_store(commit=True)
    manager = MollieSecurityManager(
        name, settings_store=security_seams.StagedOnly(store, [kind]) if kind else store,
        audit=security_seams.audit_trail(name, commit=True), cipher=security_seams.field_cipher(), actor="console")
    report = manager.rotate_api_key()
    click.echo(str(report))


@mollie.command("verify-audit")
@site_command
def verify_audit():
    """Verify the Mollie Audit Log hash chain of this site."""
    from verenigingen.verenigingen_payments.frappe_integration.security import seams as security_seams
    from verenigingen.verenigingen_payments.observability.recorders import observe_audit_verification

    result = security_seams.verify_audit()
    observe_audit_verification(result)
    click.echo(result.summary())
    if not result.ok:
        sys.exit(EXIT_FAILED)
