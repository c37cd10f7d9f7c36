"""`DisputeStore` on the local SQL store (SQLite file or MariaDB).

`create_if_absent` relies on the unique (account, chargeback_id) key: two workers that discover
the same chargeback at once both try the INSERT, one wins, the other reads the winner's row.
`save` is a compare-and-set on `version`, so two staff members editing one case cannot silently
overwrite each other.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

import sqlalchemy as sa

from ...core.models.money import Amount, amount_text
from ...disputes.evidence import DisputeEvidence
from ...disputes.model import ConcurrentUpdate, DisputeCase
from .retry import retry_on_lock_conflict
from .schema import ensure_schema
from .tables.disputes import dispute_case as t, dispute_evidence as ev

TABLES_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.disputes"



def _row(case: DisputeCase) -> dict:
    return {
        "case_id": case.case_id, "account": case.account, "chargeback_id": case.chargeback_id,
        "payment_id": case.payment_id, "currency": case.amount.currency, "amount": amount_text(case.amount),
        "settlement_currency": case.settlement_amount.currency if case.settlement_amount else None,
        "settlement_amount": amount_text(case.settlement_amount), "settlement_id": case.settlement_id,
        "reason_code": case.reason_code, "reason_description": case.reason_description[:255],
        "method": case.method, "customer_id": case.customer_id, "member_reference": case.member_reference,
        "chargeback_created_at": case.chargeback_created_at, "reversed_at": case.reversed_at,
        "status": case.status, "priority": case.priority, "priority_score": case.priority_score,
        "repeat_offences": case.repeat_offences, "deadline": case.deadline, "assignee": case.assignee,
        "resolution": case.resolution, "note": case.note, "opened_at": case.opened_at,
        "updated_at": case.updated_at, "resolved_at": case.resolved_at,
        "recovery_payment_id": case.recovery_payment_id, "recovery_status": case.recovery_status,
        "recovery_attempt": case.recovery_attempt, "history": json.dumps([list(h) for h in case.history]),
        "version": case.version,
    }


def _case(r: sa.Row) -> DisputeCase:
    settlement = (Amount(Decimal(r.settlement_amount), r.settlement_currency)
                  if r.settlement_amount is not None else None)
    return DisputeCase(
        case_id=r.case_id, account=r.account, chargeback_id=r.chargeback_id, payment_id=r.payment_id,
        amount=Amount(Decimal(r.amount), r.currency), reason_code=r.reason_code,
        reason_description=r.reason_description, chargeback_created_at=r.chargeback_created_at,
        opened_at=r.opened_at, updated_at=r.updated_at, status=r.status, priority=r.priority,
        priority_score=r.priority_score, deadline=r.deadline, settlement_amount=settlement,
        settlement_id=r.settlement_id, method=r.method, customer_id=r.customer_id,
        member_reference=r.member_reference, repeat_offences=r.repeat_offences, reversed_at=r.reversed_at,
        assignee=r.assignee, resolution=r.resolution, note=r.note, resolved_at=r.resolved_at,
        recovery_payment_id=r.recovery_payment_id, recovery_status=r.recovery_status,
        recovery_attempt=r.recovery_attempt, version=r.version,
        history=tuple(tuple(h) for h in json.loads(r.history)),
    )


class SqlDisputeStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        ensure_schema(engine, [TABLES_MODULE])

    def create_if_absent(self, case: DisputeCase) -> tuple[DisputeCase, bool]:
        def work() -> tuple[DisputeCase, bool]:
            existing = self.find_by_chargeback(case.account, case.chargeback_id)
            if existing is not None:
                return existing, False
            try:
                with self._engine.begin() as conn:
                    conn.execute(t.insert().values(**_row(case)))
                return case, True
            except sa.exc.IntegrityError:
                winner = self.find_by_chargeback(case.account, case.chargeback_id)
                if winner is None:  # pragma: no cover - a unique violation always leaves the row
                    raise
                return winner, False

        return retry_on_lock_conflict(work)

    def get(self, case_id: str) -> DisputeCase | None:
        with self._engine.connect() as conn:
            r = conn.execute(sa.select(t).where(t.c.case_id == case_id)).one_or_none()
        return None if r is None else _case(r)

    def find_by_chargeback(self, account: str, chargeback_id: str) -> DisputeCase | None:
        with self._engine.connect() as conn:
            r = conn.execute(sa.select(t).where(t.c.account == account, t.c.chargeback_id == chargeback_id)
                             ).one_or_none()
        return None if r is None else _case(r)

    def save(self, case: DisputeCase) -> DisputeCase:
        saved = replace(case, version=case.version + 1)
        values = {k: v for k, v in _row(saved).items() if k not in ("case_id", "account", "chargeback_id")}

        def work() -> int:
            with self._engine.begin() as conn:
                return conn.execute(t.update().where(t.c.case_id == case.case_id, t.c.version == case.version)
                                    .values(**values)).rowcount

        if retry_on_lock_conflict(work) != 1:
            raise ConcurrentUpdate(f"dispute case {case.case_id} changed since version {case.version}; reload it")
        return saved

    def list_cases(self, account: str | None = None, *, statuses: Iterable[str] | None = None) -> list[DisputeCase]:
        query = sa.select(t).order_by(t.c.chargeback_created_at, t.c.case_id)
        if account is not None:
            query = query.where(t.c.account == account)
        if statuses is not None:
            query = query.where(t.c.status.in_(list(statuses)))
        with self._engine.connect() as conn:
            return [_case(r) for r in conn.execute(query)]

    def count_for_member(self, account: str, customer_id: str, *, excluding_chargeback: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(t).where(t.c.account == account, t.c.customer_id == customer_id)
        if excluding_chargeback is not None:
            query = query.where(t.c.chargeback_id != excluding_chargeback)
        with self._engine.connect() as conn:
            return int(conn.scalar(query))

    def add_evidence(self, evidence: DisputeEvidence) -> DisputeEvidence:
        def work() -> None:
            with self._engine.begin() as conn:
                conn.execute(ev.insert().values(
                    evidence_id=evidence.evidence_id, case_id=evidence.case_id, kind=evidence.kind,
                    created_at=evidence.created_at, author=evidence.author, summary=evidence.summary[:255],
                    body=evidence.body, contact_channel=evidence.contact_channel, file_url=evidence.file_url))

        retry_on_lock_conflict(work)
        return evidence

    def list_evidence(self, case_id: str) -> list[DisputeEvidence]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(ev).where(ev.c.case_id == case_id)
                                .order_by(ev.c.created_at, ev.c.evidence_id)).all()
        return [DisputeEvidence(r.evidence_id, r.case_id, r.kind, r.created_at, r.author, r.summary, r.body,
                                r.contact_channel, r.file_url) for r in rows]
