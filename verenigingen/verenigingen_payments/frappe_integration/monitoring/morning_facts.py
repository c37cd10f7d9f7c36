"""What the morning cards (`monitoring.morning_view`) need from the site's records: yesterday's
reconciliation runs and the open discrepancies, the Mollie Webhook Log backlog, and the disputes
due. Read-only; each query stays on an indexed column or the primary key."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import frappe

from verenigingen.verenigingen_payments.disputes.model import ACTIVE_STATUSES
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import (
    from_site_value,
    to_site_naive,
)
from verenigingen.verenigingen_payments.monitoring.morning_view import (
    DISPUTE,
    RUN,
    WEBHOOK_LOG,
    DisputeFacts,
    ReconciliationFacts,
    WebhookBacklog,
)
from verenigingen.verenigingen_payments.webhooks.settings import WebhookSettings

DISCREPANCY = "Mollie Reconciliation Discrepancy"
_WAITING = "(status in ('received', 'processing') or next_attempt_at is not null)"


def reconciliation_facts(accounts: Sequence[str], yesterday: date) -> ReconciliationFacts:
    if not accounts:
        return ReconciliationFacts((), {}, False, 0)
    covering = frappe.get_all(RUN, filters={"account": ["in", accounts], "period_from": ["<=", yesterday],
                                            "period_until": [">", yesterday]},
                              fields=["account", "status"], order_by="creation desc")
    newest: dict[str, str] = {}
    for run in covering:
        newest.setdefault(run.account, run.status)
    open_rows = frappe.db.sql(
        f"select count(*) from `tab{DISCREPANCY}` d join `tab{RUN}` r on r.name = d.parent "
        "where d.parenttype = %s and d.resolved = 0 and r.account in %s", (RUN, tuple(accounts)))[0][0]
    ever_run = bool(frappe.db.exists(RUN, {"account": ["in", accounts]}))
    return ReconciliationFacts(tuple(accounts), newest, ever_run, int(open_rows))


def webhook_backlog(now: datetime, *, stale_after=WebhookSettings.stale_after) -> WebhookBacklog:
    """Deliveries not finished: received or processing, or failed with a retry to come (`due` when the
    retry job would pick them up now, as `due_ids` does); failed without one have been given up."""
    if not frappe.db.sql(f"select 1 from `tab{WEBHOOK_LOG}` limit 1"):
        return WebhookBacklog(False, 0, 0, 0, None)
    (waiting, due, gave_up, oldest), = frappe.db.sql(
        f"select coalesce(sum({_WAITING}), 0), "
        "coalesce(sum((status = 'failed' and next_attempt_at <= %(now)s) or (status = 'received' "
        "and received_at <= %(stale)s) or (status = 'processing' and lease_until < %(now)s)), 0), "
        "coalesce(sum(status = 'failed' and next_attempt_at is null), 0), "
        f"min(case when {_WAITING} then received_at end) "
        f"from `tab{WEBHOOK_LOG}` where status in ('received', 'processing', 'failed')",
        {"now": to_site_naive(now), "stale": to_site_naive(now - stale_after)})
    oldest = from_site_value(oldest) if oldest else None
    return WebhookBacklog(True, int(waiting), int(due), int(gave_up), oldest)


def dispute_facts(accounts: Sequence[str], today: date) -> DisputeFacts:
    if not accounts:
        return DisputeFacts(0, 0, 0, 0)
    mine = {"settings_name": ["in", accounts]}
    active = {**mine, "status": ["in", list(ACTIVE_STATUSES)]}
    return DisputeFacts(cases=frappe.db.count(DISPUTE, mine), active=frappe.db.count(DISPUTE, active),
                        due=frappe.db.count(DISPUTE, {**active, "deadline": ["<=", today]}),
                        overdue=frappe.db.count(DISPUTE, {**active, "deadline": ["<", today]}))
