"""Resolving a reconciliation discrepancy in a site: who may, the write, and its audit entry."""

from __future__ import annotations

from datetime import datetime, timezone

import frappe
from frappe import _

from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES

from .stores import DISCREPANCY, RUN, FrappeReconciliationStore


class ReconciliationRecordError(frappe.ValidationError):
    pass


def refuse(message: str, exc: type[Exception] = ReconciliationRecordError) -> None:
    frappe.throw(message, exc, title=_("Reconciliation records"))


def can_resolve(user: str | None = None) -> bool:
    return not set(MANAGE_ROLES).isdisjoint(frappe.get_roles(user or frappe.session.user))


def audit_resolution(account: str, run: str, identity: str, kind: str) -> None:
    """One audit entry per resolution: which discrepancy, never the note's text."""
    from verenigingen.verenigingen_payments.frappe_integration.security.seams import audit_trail

    audit_trail(account).record("reconciliation_discrepancy_resolved", actor=frappe.session.user,
                                settings_name=account, resource_type=RUN, resource_id=run,
                                details={"identity": identity, "kind": kind})


def resolve_discrepancy(run: str, identity: str, note: str) -> dict:
    """Resolve one discrepancy of `run` with a note (the caller has checked the role)."""
    if not (note or "").strip():
        refuse(_("Resolving a discrepancy needs a note saying why."))
    account = frappe.db.get_value(RUN, run, "account")
    if not account or not frappe.db.exists(DISCREPANCY, {"parent": run, "identity": identity}):
        refuse(_("Run {0} has no discrepancy {1}.").format(run, identity), frappe.DoesNotExistError)
    if frappe.db.get_value(DISCREPANCY, {"parent": run, "identity": identity}, "resolved"):
        refuse(_("Discrepancy {0} is already resolved.").format(identity))
    done = FrappeReconciliationStore(commit=False).resolve(account, identity, frappe.session.user, note,
                                                           datetime.now(timezone.utc))
    audit_resolution(account, run, identity, done.kind)
    return {"run": run, "identity": identity, "kind": done.kind, "status": done.status,
            "resolved_by": done.resolved_by, "resolution_note": done.resolution_note}


