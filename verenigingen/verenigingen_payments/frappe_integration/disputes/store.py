"""`DisputeStore` on the Dispute Case / Dispute Evidence DocTypes.

The case's name is its deterministic case id (account + chargeback), so the primary key makes a
second case for the same chargeback impossible: a concurrent insert fails with a duplicate entry
and the loser reads the winner's row. `save` is a compare-and-set on `version` under
`SELECT … FOR UPDATE`. Amounts go through Frappe's Currency fields (DECIMAL(21,9)) and come back
quantized to the currency's decimals, so they are exact for money. Datetimes are stored as Frappe
does, naive in the system time zone, and returned aware in UTC.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

import frappe

from verenigingen.verenigingen_payments.core.models.money import Amount, currency_quantum
from verenigingen.verenigingen_payments.disputes.evidence import DisputeEvidence
from verenigingen.verenigingen_payments.disputes.model import ConcurrentUpdate, DisputeCase
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import (
    from_site_value,
    to_site_naive,
)

DOCTYPE = "Dispute Case"
EVIDENCE = "Dispute Evidence"
_SCALARS = ("chargeback_id", "payment_id", "settlement_id", "reason_code", "reason_description", "method",
            "customer_id", "member_reference", "status", "priority", "priority_score", "repeat_offences", "deadline",
            "assignee", "resolution", "note", "recovery_payment_id", "recovery_status", "recovery_attempt", "version")
_TIMES = ("chargeback_created_at", "reversed_at", "opened_at", "resolved_at")




def _money(value, currency: str | None) -> Amount | None:
    if value is None or not currency:
        return None
    quantum = currency_quantum(currency)
    return Amount(Decimal(str(value)).quantize(quantum), currency)


def _values(case: DisputeCase) -> dict:
    values = {name: getattr(case, name) for name in _SCALARS}
    values.update({name: to_site_naive(getattr(case, name)) for name in _TIMES})
    values.update(
        settings_name=case.account, amount=case.amount.value, currency=case.amount.currency,
        settlement_amount=case.settlement_amount.value if case.settlement_amount else None,
        settlement_currency=case.settlement_amount.currency if case.settlement_amount else None,
        history=json.dumps([list(h) for h in case.history]),
    )
    return values


def _case(row) -> DisputeCase:
    return DisputeCase(
        case_id=row.name, account=row.settings_name, chargeback_id=row.chargeback_id, payment_id=row.payment_id,
        amount=_money(row.amount, row.currency), reason_code=row.reason_code or "",
        reason_description=row.reason_description or "", chargeback_created_at=from_site_value(row.chargeback_created_at),
        opened_at=from_site_value(row.opened_at), updated_at=from_site_value(row.modified), status=row.status, priority=row.priority,
        priority_score=int(row.priority_score or 0), deadline=frappe.utils.getdate(row.deadline) if row.deadline else None,
        settlement_amount=_money(row.settlement_amount, row.settlement_currency), settlement_id=row.settlement_id,
        method=row.method, customer_id=row.customer_id, member_reference=row.member_reference,
        repeat_offences=int(row.repeat_offences or 0), reversed_at=from_site_value(row.reversed_at), assignee=row.assignee,
        resolution=row.resolution, note=row.note, resolved_at=from_site_value(row.resolved_at),
        recovery_payment_id=row.recovery_payment_id, recovery_status=row.recovery_status,
        recovery_attempt=int(row.recovery_attempt or 0), version=int(row.version or 1),
        history=tuple(tuple(h) for h in json.loads(row.history or "[]")),
    )


class FrappeDisputeStore:
    def _rows(self, filters: dict) -> list:
        return frappe.get_all(DOCTYPE, filters=filters, fields=["*"], order_by="chargeback_created_at asc, name asc")

    def create_if_absent(self, case: DisputeCase) -> tuple[DisputeCase, bool]:
        existing = self.get(case.case_id)
        if existing is not None:
            return existing, False
        doc = frappe.get_doc({"doctype": DOCTYPE, "case_id": case.case_id, **_values(case)})
        try:
            doc.insert(ignore_permissions=True)
        except frappe.DuplicateEntryError:
            winner = self.get(case.case_id)
            if winner is None:
                raise
            return winner, False
        return self.get(case.case_id), True

    def get(self, case_id: str) -> DisputeCase | None:
        rows = self._rows({"name": case_id})
        return _case(rows[0]) if rows else None

    def find_by_chargeback(self, account: str, chargeback_id: str) -> DisputeCase | None:
        rows = self._rows({"settings_name": account, "chargeback_id": chargeback_id})
        return _case(rows[0]) if rows else None

    def save(self, case: DisputeCase) -> DisputeCase:
        stored = frappe.db.get_value(DOCTYPE, case.case_id, "version", for_update=True)
        if stored is None or int(stored) != case.version:
            raise ConcurrentUpdate(f"dispute case {case.case_id} changed since version {case.version}; reload it")
        saved = replace(case, version=case.version + 1)
        doc = frappe.get_doc(DOCTYPE, case.case_id)
        doc.update(_values(saved))
        doc.save(ignore_permissions=True)
        return self.get(case.case_id)

    def list_cases(self, account: str | None = None, *, statuses: Iterable[str] | None = None) -> list[DisputeCase]:
        filters: dict = {}
        if account is not None:
            filters["settings_name"] = account
        if statuses is not None:
            filters["status"] = ["in", list(statuses)]
        return [_case(r) for r in self._rows(filters)]

    def count_for_member(self, account: str, customer_id: str, *, excluding_chargeback: str | None = None) -> int:
        filters = {"settings_name": account, "customer_id": customer_id}
        if excluding_chargeback is not None:
            filters["chargeback_id"] = ["!=", excluding_chargeback]
        return frappe.db.count(DOCTYPE, filters)

    def add_evidence(self, evidence: DisputeEvidence) -> DisputeEvidence:
        """The service has sealed `body` already; the DocType keeps an envelope as it is."""
        frappe.get_doc({
            "doctype": EVIDENCE, "dispute_case": evidence.case_id, "kind": evidence.kind, "summary": evidence.summary,
            "body": evidence.body, "contact_channel": evidence.contact_channel, "file_url": evidence.file_url,
            "author": evidence.author if frappe.db.exists("User", evidence.author) else None,
            "recorded_at": to_site_naive(evidence.created_at),
        }).insert(ignore_permissions=True, set_name=evidence.evidence_id)
        return evidence

    def list_evidence(self, case_id: str) -> list[DisputeEvidence]:
        rows = frappe.get_all(EVIDENCE, filters={"dispute_case": case_id}, fields=["*"], order_by="recorded_at asc")
        return [DisputeEvidence(r.name, r.dispute_case, r.kind, from_site_value(r.recorded_at), r.author or "", r.summary,
                                r.body, r.contact_channel or None, r.file_url or None) for r in rows]
