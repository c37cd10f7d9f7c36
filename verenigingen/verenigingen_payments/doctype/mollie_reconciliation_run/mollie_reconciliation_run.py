"""Mollie Reconciliation Run: written by the reconciliation (`FrappeReconciliationStore`), read by
finance staff. In the desk the only change allowed is resolving a discrepancy row: a Mollie Finance
Manager ticks "Resolved" and writes a note; who and when are stamped, the resolution is audited and
stays (a rerun that finds the same problem again keeps it resolved).
"""

from __future__ import annotations

from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr, flt, get_datetime, getdate, now_datetime

from verenigingen.verenigingen_payments.frappe_integration.reconciliation_stores import (
    DISCREPANCY, RUN, FrappeReconciliationStore, run_name,
)
from verenigingen.verenigingen_payments.frappe_integration.roles import MANAGE_ROLES

RESOLUTION_FIELDS = ("resolved", "resolution_note", "resolved_by", "resolved_at")
RESOLVED_FLAG = "mollie_newly_resolved"


class ReconciliationRecordError(frappe.ValidationError):
    pass


def _refuse(message: str, exc: type[Exception] = ReconciliationRecordError) -> None:
    frappe.throw(message, exc, title=_("Reconciliation records"))


def _same(df, a, b) -> bool:
    """Equal as the field's type sees it (the desk posts strings, the database gives objects)."""
    if a in (None, "") or b in (None, ""):
        return a in (None, "", 0) and b in (None, "", 0) or cstr(a) == cstr(b)
    if df.fieldtype in ("Currency", "Float", "Int", "Check"):
        return flt(a, 9) == flt(b, 9)
    if df.fieldtype == "Datetime":
        return get_datetime(a) == get_datetime(b)
    if df.fieldtype == "Date":
        return getdate(a) == getdate(b)
    return cstr(a) == cstr(b)


def can_resolve(user: str | None = None) -> bool:
    return not set(MANAGE_ROLES).isdisjoint(frappe.get_roles(user or frappe.session.user))


def audit_resolution(account: str, run: str, identity: str, kind: str) -> None:
    """One audit entry per resolution: which discrepancy, never the note's text."""
    from verenigingen.verenigingen_payments.frappe_integration.security_seams import audit_trail

    audit_trail(account).record("reconciliation_discrepancy_resolved", actor=frappe.session.user,
                                settings_name=account, resource_type=RUN, resource_id=run,
                                details={"identity": identity, "kind": kind})


def resolve_discrepancy(run: str, identity: str, note: str) -> dict:
    """Resolve one discrepancy of `run` with a note (the caller has checked the role)."""
    if not (note or "").strip():
        _refuse(_("Resolving a discrepancy needs a note saying why."))
    account = frappe.db.get_value(RUN, run, "account")
    if not account or not frappe.db.exists(DISCREPANCY, {"parent": run, "identity": identity}):
        _refuse(_("Run {0} has no discrepancy {1}.").format(run, identity), frappe.DoesNotExistError)
    if frappe.db.get_value(DISCREPANCY, {"parent": run, "identity": identity}, "resolved"):
        _refuse(_("Discrepancy {0} is already resolved.").format(identity))
    done = FrappeReconciliationStore(commit=False).resolve(account, identity, frappe.session.user, note,
                                                           datetime.now(timezone.utc))
    audit_resolution(account, run, identity, done.kind)
    return {"run": run, "identity": identity, "kind": done.kind, "status": done.status,
            "resolved_by": done.resolved_by, "resolution_note": done.resolution_note}


class MollieReconciliationRun(Document):
    def autoname(self):
        self.name = run_name(self.account, getdate(self.period_from), getdate(self.period_until))

    def before_insert(self):
        _refuse(_("Reconciliation runs are recorded by the reconciliation itself "
                  "(bench mollie reconcile, the daily job or Run Reconciliation Now)."))

    def validate(self):
        before = self.get_doc_before_save()
        if before is None:
            return
        for df in self.meta.fields:
            if df.fieldtype != "Table" and df.fieldname != "open_discrepancy_count" and not _same(
                    df, self.get(df.fieldname), before.get(df.fieldname)):
                _refuse(_("{0} is recorded by the reconciliation and cannot be changed.").format(_(df.label)))
        earlier = {row.name: row for row in before.discrepancies}
        if {row.name for row in self.discrepancies} != set(earlier):
            _refuse(_("Discrepancy rows are recorded by the reconciliation and cannot be added or removed."))
        newly = [row for row in self.discrepancies if self._check_row(row, earlier[row.name])]
        self.open_discrepancy_count = sum(1 for row in self.discrepancies if not row.resolved)
        self.flags[RESOLVED_FLAG] = [(row.identity, row.kind) for row in newly]

    @staticmethod
    def _check_row(row, was) -> bool:
        """Whether this row is resolved by this save; refuses every other change."""
        for df in row.meta.fields:
            if df.fieldname not in RESOLUTION_FIELDS and not _same(df, row.get(df.fieldname), was.get(df.fieldname)):
                _refuse(_("Row {0}: {1} is recorded by the reconciliation and cannot be changed.").format(
                    row.idx, _(df.label)))
        if was.resolved:
            if not row.resolved or (row.resolution_note or "") != (was.resolution_note or ""):
                _refuse(_("Row {0} is resolved; a resolution stays as it was recorded.").format(row.idx))
            return False
        if not row.resolved:
            if row.resolution_note:
                row.resolution_note = was.resolution_note
            return False
        if not can_resolve():
            _refuse(_("Only a Mollie Finance Manager can resolve a discrepancy."), frappe.PermissionError)
        if not (row.resolution_note or "").strip():
            _refuse(_("Row {0}: resolving a discrepancy needs a note saying why.").format(row.idx))
        row.resolution_note = row.resolution_note.strip()
        row.resolved_by = frappe.session.user
        row.resolved_at = now_datetime()
        return True

    def on_update(self):
        for identity, kind in self.flags.pop(RESOLVED_FLAG, None) or []:
            audit_resolution(self.account, self.name, identity, kind)
