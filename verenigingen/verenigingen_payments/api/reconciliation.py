"""Whitelisted endpoints of the reconciliation: run it now (managers), recent settlements (viewers),
resolve a discrepancy (managers, with a note, audited).

Each follows `api.conventions`: role check first, typed client errors as clear HTTP errors,
JSON-able dicts out with money as exact decimal strings.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import islice

import frappe
from frappe import _

from verenigingen.verenigingen_payments.api.conventions import (
    checked_arguments,
    date_argument,
    mollie_errors_as_http,
    require_role,
    resolve_settings_name,
)
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES, VIEW_ROLES
from verenigingen.verenigingen_payments.frappe_integration.monitoring.balance_view import amount_as_dict


def _period(from_date: str | None, until_date: str | None) -> tuple[date, date]:
    from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM

    start, end = date_argument(from_date, "from_date"), date_argument(until_date, "until_date")
    if start is None and end is None:
        today = datetime.now(AMSTERDAM).date()
        return today - timedelta(days=1), today
    start = start or end - timedelta(days=1)
    end = end or start + timedelta(days=1)
    if end <= start:
        frappe.throw(_("until_date must be after from_date (it is exclusive)."), frappe.ValidationError)
    return start, end


@frappe.whitelist(methods=["POST"])
@checked_arguments
def run_reconciliation_now(settings: str | None = None, from_date: str | None = None,
                           until_date: str | None = None) -> dict:
    """Queue a reconciliation of one account (default: yesterday) on the long queue; a run of the
    same account already queued or running is not queued twice."""
    require_role(MANAGE_ROLES)
    from verenigingen.verenigingen_payments.frappe_integration.reconciliation.jobs import (
        enqueue_reconciliation,
    )

    name = resolve_settings_name(settings)
    start, end = _period(from_date, until_date)
    return enqueue_reconciliation(name, start, end)


def _settlement_row(settlement, verdicts: dict) -> dict:
    verdict = verdicts.get(settlement.id)
    return {
        "id": settlement.id, "reference": settlement.reference,
        "status": settlement.status.value if settlement.status is not None else None,
        "amount": amount_as_dict(settlement.amount),
        "created_at": settlement.created_at.isoformat() if settlement.created_at else None,
        "settled_at": settlement.settled_at.isoformat() if settlement.settled_at else None,
        "reconciled": verdict is not None,
        "adds_up": verdict.get("adds_up") if verdict else None,
        "discrepancies": verdict.get("discrepancies") if verdict else None,
        "run": verdict.get("run") if verdict else None,
    }


def _verdicts(account: str) -> dict[str, dict]:
    """Per settlement id, what the latest run that checked it said."""
    import json

    verdicts: dict[str, dict] = {}
    runs = frappe.get_all("Mollie Reconciliation Run", filters={"account": account, "status": "completed"},
                          fields=["name", "totals"], order_by="period_from desc", limit=200)
    for run in runs:
        for s in json.loads(run.totals or "{}").get("settlements", []):
            if not s.get("pending"):  # the open settlement is noted by a run, not checked
                verdicts.setdefault(s["id"], {**s, "run": run.name})
    return verdicts


@frappe.whitelist(methods=["GET", "POST"])
@checked_arguments
def list_recent_settlements(settings: str | None = None, limit: int = 10) -> dict:
    """The account's most recent settlements at Mollie, with what the reconciliation said of each."""
    require_role(VIEW_ROLES)
    from verenigingen.verenigingen_payments.clients import SettlementsClient

    name = resolve_settings_name(settings)
    with mollie_errors_as_http(name):
        settlements = list(islice(SettlementsClient(name).iter_settlements(), int(limit)))
    verdicts = _verdicts(name)
    return {"settings": name, "settlements": [_settlement_row(s, verdicts) for s in settlements]}


@frappe.whitelist(methods=["POST"])
@checked_arguments
def resolve_discrepancy(run: str, identity: str, note: str) -> dict:
    """Mark one discrepancy of a run resolved, with a note saying why (audited)."""
    require_role(MANAGE_ROLES)
    from verenigingen.verenigingen_payments.frappe_integration.reconciliation.resolution import (
        resolve_discrepancy as resolve,
    )

    return resolve(run, identity, note)
