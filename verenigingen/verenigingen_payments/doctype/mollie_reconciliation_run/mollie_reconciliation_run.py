"""Mollie Reconciliation Run: written by the reconciliation (`FrappeReconciliationStore`), read by
finance staff. In the desk the only change allowed is resolving a discrepancy row: a Mollie Finance
Manager ticks "Resolved" and writes a note; who and when are stamped, the resolution is audited and
stays (a rerun that finds the same problem again keeps it resolved).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr, flt, get_datetime, getdate, now_datetime

from verenigingen.verenigingen_payments.frappe_integration.reconciliation.resolution import (
    audit_resolution,
    can_resolve,
)
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.resolution import (
    refuse as _refuse,
)
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import run_name

RESOLUTION_FIELDS = ("resolved", "resolution_note", "resolved_by", "resolved_at")
RESOLVED_FLAG = "mollie_newly_resolved"


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
