"""The configuration gate of the app's background jobs, per account.

The `before_job` hook (api/operations.gate_scheduled_job) hands over the accounts the safety check
refuses. For the rest of that job they are left out of every list of enabled accounts (the provider's
`enabled_accounts`, the reconciliation's due accounts …), so the job runs for the others, and a job
queued for one refused account does not start. Each refused account gets one Error Log entry a day
(site date), not one per run: the every-minute webhook sweep would otherwise bury the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import frappe

REFUSED_IN_JOB = "verenigingen_gate_refused"  # a frappe.flags key, not site config
ERROR_LOG = "Error Log"
SETTINGS = "Mollie Settings"


def refused_accounts() -> frozenset[str]:
    return frozenset(frappe.flags.get(REFUSED_IN_JOB) or ())


def usable(names: Iterable[str]) -> list[str]:
    """`names` without the accounts the gate refused in this job."""
    refused = refused_accounts()
    return [name for name in names if name not in refused]


def refusal_title(account: str) -> str:
    return f"Mollie account {account}: jobs refused until its configuration is fixed"


def log_refusal_once(account: str, messages: Iterable[str]) -> bool:
    """One Error Log entry per account and site day; False when today's entry already exists."""
    title = refusal_title(account)
    midnight = frappe.utils.get_datetime(frappe.utils.today())
    if frappe.db.exists(ERROR_LOG, {"method": title, "creation": [">=", midnight]}):
        return False
    site = getattr(frappe.local, "site", None) or "SITE"
    frappe.log_error(
        title=title,
        message="\n".join([*(f"- {m}" for m in messages), "",
                           f"Scheduled jobs skip this account until `bench --site {site} mollie check-config` "
                           "passes; this entry is written once a day."]),
        reference_doctype=SETTINGS, reference_name=account,
    )
    return True


def refuse(problems: Mapping[str, list[str]]) -> frozenset[str]:
    """Record the accounts refused for this job and log each once a day; commits that log outside tests
    (the job may not start, so nothing else would commit it)."""
    frappe.flags[REFUSED_IN_JOB] = set(problems)
    logged = [log_refusal_once(account, messages) for account, messages in sorted(problems.items())]
    if any(logged) and not frappe.flags.in_test:
        frappe.db.commit()
    return refused_accounts()
