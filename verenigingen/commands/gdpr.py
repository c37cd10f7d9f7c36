"""`bench --site SITE mollie gdpr export|erase --customer cst_… [--member REF]`.

export writes everything this app holds about the subject into an encrypted private File and prints
its id and counts (open it with `api.gdpr.download_personal_data_export`); erase pseudonymises the
subject in every row of this app (refused while a subscription still runs, unless --force). Both are
audited and committed. Exit 1 when erasure is refused, 2 for a malformed customer id or member reference.
"""

from __future__ import annotations

import json
import sys

import click

from verenigingen.commands import checks
from verenigingen.commands.group import EXIT_FAILED, mollie, site_command

EXIT_USAGE = 2

customer_option = click.option("--customer", "customer_id", required=True, callback=checks.customer_id,
                               help="Mollie customer id (cst_…).")
member_option = click.option("--member", "member_reference", default=None, callback=checks.member_reference,
                             help="The member reference, if known.")


@mollie.group("gdpr")
def gdpr():
    """GDPR export and erasure of one customer/member."""


def _run(action: str, **kwargs) -> dict:
    from verenigingen.verenigingen_payments.frappe_integration.gdpr import service as gdpr_site

    try:
        return getattr(gdpr_site, action)(**kwargs)
    except gdpr_site.ErasureRefused as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    except ValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)


@gdpr.command("export")
@customer_option
@member_option
@site_command
def export(customer_id: str, member_reference: str | None):
    """Export the subject's data as an encrypted private File."""
    result = _run("export_subject", customer_id=customer_id, member_reference=member_reference,
                  actor="console")
    click.echo(f"GDPR export {result['export_id']} written to {result['file_url']} "
               f"(File {result['file']}, AES-GCM key version {result['key_version']})")
    click.echo(json.dumps(result["counts"], indent=1, sort_keys=True))


@gdpr.command("erase")
@customer_option
@member_option
@click.option("--force", is_flag=True, help="Erase even though a subscription still runs (cancelled at Mollie).")
@site_command
def erase(customer_id: str, member_reference: str | None, force: bool):
    """Pseudonymise the subject's personal data; amounts and the audit chain stay intact."""
    result = _run("erase_subject", customer_id=customer_id, member_reference=member_reference,
                  actor="console", force=force)
    click.echo(f"Erased: customer is now {result['customer_token']}"
               + (f", member(s) {', '.join(result['member_tokens'])}" if result["member_tokens"] else "")
               + (" (forced past a running subscription)" if result["forced"] else ""))
    click.echo(json.dumps(result["values_replaced"], indent=1, sort_keys=True))
