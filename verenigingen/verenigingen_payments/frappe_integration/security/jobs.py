"""Scheduled security jobs (hooks.py `scheduler_events`): the daily credential check with its
rotation reminder, the daily audit-chain verification, and the daily retention purge of personal data.

The credential check never switches a staged key (that is an operator's `mollie rotate-key`): it
erases previous values whose grace period ended, re-encrypts app-owned values under the newest
key version, and when a record's API key is older than `api_key_rotation_days` it alerts the
Mollie Finance Managers (a desk notification) and the record's alert recipients.

Retention: features register purgers in their hooks as `mollie_retention_purgers` (dotted paths
of `purge(cutoff: datetime) -> int`, removing personal data — webhook bodies, consumer names and
IBANs — created before `cutoff`, keeping totals and audit entries). The period is site config
`mollie_personal_data_retention_days` (default 365 days, Europe/Amsterdam days).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import frappe

from verenigingen.verenigingen_payments.core.compliance.gdpr import retention_cutoff
from verenigingen.verenigingen_payments.core.security import MollieSecurityManager
from verenigingen.verenigingen_payments.core.security.redaction import redact_exception
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGER
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import from_site_time
from verenigingen.verenigingen_payments.frappe_integration.security import seams as security_seams
from verenigingen.verenigingen_payments.observability.recorders import observe_audit_verification

logger = logging.getLogger(__name__)

RETENTION_DAYS_CONFIG = "mollie_personal_data_retention_days"
DEFAULT_RETENTION_DAYS = 365
PURGER_HOOK = "mollie_retention_purgers"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def check_credentials(now: datetime | None = None) -> list[str]:
    """Daily: erase expired previous credentials, report ages, remind when a key is due.
    Returns the names of the records whose API key is due for rotation."""
    due = []
    for name in frappe.get_all("Mollie Settings", pluck="name", order_by="name"):
        try:
            manager = MollieSecurityManager(
                name, settings_store=security_seams.StagedOnly(security_seams.rotation_settings_store()),
                audit=security_seams.audit_trail(name), cipher=security_seams.field_cipher(), actor="scheduler",
                clock=(lambda: now) if now else _now)
            report = manager.rotate_api_key()
        except Exception as exc:  # one broken record must not stop the others
            logger.error("credential check of Mollie Settings %s failed: %s", name, redact_exception(exc))
            continue
        if report.rotation_due:
            due.append(name)
            remind_rotation(name, report.key_age_days, report.rotation_days)
    return due


def verify_audit_chain() -> bool:
    """Daily: verify this site's audit chain and report it to Prometheus (`mollie_audit_chain_valid`,
    alert MollieAuditChainBroken); a broken chain is also logged with the first entry it names."""
    result = security_seams.verify_audit()
    observe_audit_verification(result)
    if not result.ok:
        logger.error("%s", result.summary())
    return result.ok


def keys_due_for_rotation(now: datetime | None = None) -> list[str]:
    """Records whose API key is older than `api_key_rotation_days` (or of unknown age while a period
    is set) — the same rule as the rotation report; for the workspace indicator and the reminder."""
    now = now or _now()
    due = []
    for row in frappe.get_all("Mollie Settings", filters={"api_key_rotation_days": [">", 0]},
                              fields=["name", "api_key_rotation_days", "secret_key_rotated_at"], order_by="name"):
        rotated = row.secret_key_rotated_at
        if rotated is None or (now - from_site_time(rotated, 0)).days >= row.api_key_rotation_days:
            due.append(row.name)
    return due


def remind_rotation(name: str, age_days: int | None, rotation_days: int | None) -> None:
    age = "of unknown age" if age_days is None else f"{age_days} days old"
    subject = f"Mollie API key of {name} is due for rotation ({age}; rotate every {rotation_days} days)"
    body = (f"{subject}.<br>Create a new key in Mollie's dashboard, paste it into Staged API Key on Mollie "
            f"Settings {name} and run <code>bench --site {frappe.local.site} mollie rotate-key --settings {name}</code>.")
    for user in _managers():
        frappe.get_doc({"doctype": "Notification Log", "for_user": user, "type": "Alert", "subject": subject,
                        "email_content": body, "document_type": "Mollie Settings", "document_name": name,
                        }).insert(ignore_permissions=True)
    recipients = frappe.db.get_value("Mollie Settings", name, "alert_recipients")
    if recipients:
        frappe.sendmail(recipients=[r.strip() for r in recipients.split(",") if r.strip()],
                        subject=subject, message=body, delayed=True)
    security_seams.audit_trail(name).record(
        "rotation_reminder", actor="scheduler", settings_name=name, resource_type="Mollie Settings",
        resource_id=name, details={"key_age_days": age_days, "rotation_days": rotation_days})


def _managers() -> list[str]:
    return frappe.get_all("Has Role", filters={"role": MANAGER, "parenttype": "User"}, pluck="parent", distinct=True)


def purge_expired_personal_data(now: datetime | None = None) -> dict[str, int]:
    """Daily: every registered purger removes personal data older than the retention period."""
    days = int(frappe.conf.get(RETENTION_DAYS_CONFIG) or DEFAULT_RETENTION_DAYS)
    cutoff = retention_cutoff(now or _now(), days)
    purged = {}
    for path in frappe.get_hooks(PURGER_HOOK):
        purged[path] = int(frappe.get_attr(path)(cutoff))
    security_seams.audit_trail().record(
        "retention_purge", actor="scheduler", resource_type="Retention",
        details={"cutoff": cutoff, "retention_days": days, "purged": purged})
    if not purged:
        logger.info("retention purge: no purgers registered (%s); nothing held past %s", PURGER_HOOK, cutoff)
    return purged
