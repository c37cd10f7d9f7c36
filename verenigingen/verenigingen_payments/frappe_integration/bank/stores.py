"""`BankStatementStore` on the `Mollie Bank Statement` and `Mollie Bank Statement Line` DocTypes.

A line's name is its account and entry reference, so the name itself keeps it once. An import runs
under a savepoint: a failure rolls back what it wrote, and the caller commits a whole file.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Iterable

import frappe

from verenigingen.verenigingen_payments.bank.statement import BankLine, BankStatement
from verenigingen.verenigingen_payments.store.bank_statements import ImportOutcome

STATEMENT = "Mollie Bank Statement"
LINE = "Mollie Bank Statement Line"
CENT = Decimal("0.01")
_CHUNK = 500


def statement_name(iban: str, statement_id: str, from_date, to_date) -> str:
    key = f"{iban}|{statement_id}|{from_date}|{to_date}"
    return f"{iban}-{from_date}-{to_date}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def line_name(iban: str, entry_ref: str) -> str:
    name = f"{iban}:{entry_ref}"
    return name if len(name) <= 140 else f"{iban}:h-{hashlib.sha256(entry_ref.encode()).hexdigest()[:40]}"


class FrappeBankStatementStore:
    def import_statements(self, statements: Iterable[BankStatement], now: datetime | None = None) -> ImportOutcome:
        statements = list(statements)
        stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)
        savepoint = "mollie_bank_import"
        frappe.db.savepoint(savepoint)
        try:
            added = known = 0
            for s in statements:
                held = self._held(s.iban, [line.entry_ref for line in s.lines])
                fresh = [line for line in s.lines if line.entry_ref not in held]
                name = statement_name(s.iban, s.statement_id, s.from_date, s.to_date)
                if not frappe.db.exists(STATEMENT, name):
                    frappe.get_doc({
                        "doctype": STATEMENT, "iban": s.iban, "statement_id": s.statement_id, "format": s.format,
                        "source": s.source[:140], "from_date": s.from_date, "to_date": s.to_date,
                        "currency": s.currency, "opening": s.opening, "closing": s.closing,
                        "lines_added": len(fresh), "lines_known": len(s.lines) - len(fresh), "imported_at": stamp,
                    }).insert(ignore_permissions=True)
                for line in fresh:
                    _insert_line(s.iban, name, line)
                    held.add(line.entry_ref)
                added += len(fresh)
                known += len(s.lines) - len(fresh)
        except Exception:
            frappe.db.rollback(save_point=savepoint)
            raise
        return ImportOutcome(len(statements), added, known)

    @staticmethod
    def _held(iban: str, refs: list[str]) -> set[str]:
        held: set[str] = set()
        for i in range(0, len(refs), _CHUNK):
            held.update(frappe.get_all(LINE, filters={"iban": iban, "entry_ref": ["in", refs[i:i + _CHUNK]]},
                                       pluck="entry_ref"))
        return held

    def lines(self, iban: str, from_date: date | None = None, until: date | None = None) -> list[BankLine]:
        conditions, values = ["iban=%(iban)s"], {"iban": iban, "from": from_date, "until": until}
        if from_date:
            conditions.append("value_date >= %(from)s")
        if until:
            conditions.append("value_date < %(until)s")
        rows = frappe.db.sql(
            f"""select entry_ref, ref_source, booking_date, value_date, cast(amount as char) as amount, currency,
                       reversal, counterparty_name, counterparty_iban, remittance, end_to_end_id, return_reason
                from `tab{LINE}` where {' and '.join(conditions)}
                order by value_date, booking_date, entry_ref""", values, as_dict=True)
        return [BankLine(r.entry_ref, r.ref_source or "", r.booking_date, r.value_date,
                         Decimal(r.amount).quantize(CENT), r.currency, bool(r.reversal), r.counterparty_name or "",
                         r.counterparty_iban or "", r.remittance or "", r.end_to_end_id or "", r.return_reason or "")
                for r in rows]

    def statements(self, iban: str) -> list[dict]:
        return frappe.get_all(STATEMENT, filters={"iban": iban}, fields=["name", "statement_id", "from_date", "to_date"],
                              order_by="from_date asc, to_date asc")

    @staticmethod
    def accounts() -> list[str]:
        """Every account (IBAN) with an imported statement."""
        return sorted(set(frappe.get_all(STATEMENT, pluck="iban")))


def _insert_line(iban: str, statement: str, line: BankLine) -> None:
    frappe.get_doc({
        "doctype": LINE, "iban": iban, "entry_ref": line.entry_ref, "ref_source": line.ref_source,
        "statement": statement, "booking_date": line.booking_date, "value_date": line.value_date,
        "amount": line.amount, "currency": line.currency, "reversal": int(line.reversal),
        "return_reason": line.return_reason, "counterparty_name": line.counterparty_name[:140],
        "counterparty_iban": line.counterparty_iban, "end_to_end_id": line.end_to_end_id[:140],
        "remittance": line.remittance,
    }).insert(ignore_permissions=True)
