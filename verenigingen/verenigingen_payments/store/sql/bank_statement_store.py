"""Imported bank statements on the local SQL store (SQLite or MariaDB).

`import_statements` writes a file's statements and lines in one transaction: a line already held
(same account and entry reference) is skipped, so importing a file twice, or a statement that
overlaps an earlier one, adds nothing twice; a failure leaves nothing behind.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Iterable

import sqlalchemy as sa

from ...bank.statement import BankLine, BankStatement
from ..bank_statements import ImportOutcome
from .engine import serialised_write
from .in_lists import padded_chunks
from .retry import retry_on_lock_conflict
from .schema import ensure_schema
from .tables.bank_statements import bank_statement as st, bank_statement_line as ln

TABLES_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.bank_statements"


class SqlBankStatementStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        ensure_schema(engine, [TABLES_MODULE])

    def import_statements(self, statements: Iterable[BankStatement], now: datetime | None = None) -> ImportOutcome:
        statements = list(statements)
        stamp = now or datetime.now(timezone.utc)

        def work() -> ImportOutcome:
            added = known = 0
            with serialised_write(self._engine) as conn:
                for s in statements:
                    key = (st.c.iban == s.iban) & (st.c.statement_id == s.statement_id) \
                        & (st.c.from_date == s.from_date) & (st.c.to_date == s.to_date)
                    if conn.execute(sa.select(sa.func.count()).select_from(st).where(key)).scalar_one() == 0:
                        conn.execute(st.insert().values(
                            iban=s.iban, statement_id=s.statement_id, from_date=s.from_date, to_date=s.to_date,
                            format=s.format, source=s.source[:255], currency=s.currency, opening=f"{s.opening:f}",
                            closing=f"{s.closing:f}", imported_at=stamp))
                    held = _held_refs(conn, s.iban, [line.entry_ref for line in s.lines])
                    fresh = [line for line in s.lines if line.entry_ref not in held]
                    held.update(line.entry_ref for line in fresh)
                    if fresh:
                        conn.execute(ln.insert(), [_row(s, line) for line in fresh])
                    added += len(fresh)
                    known += len(s.lines) - len(fresh)
            return ImportOutcome(len(statements), added, known)

        try:
            return retry_on_lock_conflict(work)
        except sa.exc.IntegrityError:  # a concurrent import added the same lines first; they are held now
            return retry_on_lock_conflict(work)

    def lines(self, iban: str, from_date: date | None = None, until: date | None = None) -> list[BankLine]:
        """The account's lines by value date in [from_date, until), oldest first."""
        query = sa.select(ln).where(ln.c.iban == iban)
        if from_date:
            query = query.where(ln.c.value_date >= from_date)
        if until:
            query = query.where(ln.c.value_date < until)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(ln.c.value_date, ln.c.booking_date, ln.c.entry_ref)).all()
        return [_line(r) for r in rows]

    def statements(self, iban: str) -> list[dict]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(st).where(st.c.iban == iban).order_by(st.c.from_date, st.c.to_date)).all()
        return [dict(r._mapping) for r in rows]

    def covered_until(self, iban: str) -> date | None:
        """The last day any imported statement of the account covers."""
        with self._engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(st.c.to_date)).where(st.c.iban == iban)).scalar_one()


def _held_refs(conn: sa.Connection, iban: str, refs: list[str]) -> set[str]:
    held: set[str] = set()
    for chunk in padded_chunks(refs):
        held.update(conn.execute(sa.select(ln.c.entry_ref).where(ln.c.iban == iban, ln.c.entry_ref.in_(chunk)))
                    .scalars())
    return held


def _row(s: BankStatement, line: BankLine) -> dict:
    return {"iban": s.iban, "entry_ref": line.entry_ref, "ref_source": line.ref_source,
            "statement_id": s.statement_id, "booking_date": line.booking_date, "value_date": line.value_date,
            "amount": f"{line.amount:f}", "currency": line.currency, "reversal": line.reversal,
            "counterparty_name": line.counterparty_name[:140], "counterparty_iban": line.counterparty_iban,
            "remittance": line.remittance, "end_to_end_id": line.end_to_end_id[:140],
            "return_reason": line.return_reason[:8]}


def _line(r: sa.Row) -> BankLine:
    return BankLine(entry_ref=r.entry_ref, ref_source=r.ref_source, booking_date=r.booking_date,
                    value_date=r.value_date, amount=Decimal(r.amount), currency=r.currency,
                    reversal=bool(r.reversal), counterparty_name=r.counterparty_name,
                    counterparty_iban=r.counterparty_iban, remittance=r.remittance, end_to_end_id=r.end_to_end_id,
                    return_reason=r.return_reason)
