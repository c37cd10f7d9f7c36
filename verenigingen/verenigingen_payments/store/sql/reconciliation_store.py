"""`ReconciliationStore` on the local SQL store: runs, their checkpoints, discrepancies.

Identity makes reruns idempotent: a discrepancy found again is updated in place (a resolved one
keeps its resolution); a finished rerun drops open discrepancies of its own run that it did not
find again, so a same-day rerun replaces its findings instead of adding to them.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any, Iterable

import sqlalchemy as sa

from ..reconciliation_runs import COMPLETED, FAILED, OPEN, RESOLVED, RUNNING, RunRecord, StoredDiscrepancy
from .retry import retry_on_lock_conflict
from .schema import ensure_schema
from .tables.reconciliation import reconciliation_discrepancy as d, reconciliation_run as r

TABLES_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.reconciliation"
_CHUNK = 200


def _run(row: sa.Row) -> RunRecord:
    return RunRecord(
        row.run_id, row.account, row.period_from, row.period_until, row.status, row.started_at,
        row.finished_at, row.duration_ms, row.settlements_checked, row.transactions_checked,
        row.discrepancy_count, json.loads(row.totals or "{}"), json.loads(row.checkpoint or "{}"), row.error,
    )


def _discrepancy(row: sa.Row) -> StoredDiscrepancy:
    return StoredDiscrepancy(
        row.account, row.identity, row.run_id, row.kind, row.amount, row.currency, row.scope,
        tuple(json.loads(row.ids)), json.loads(row.evidence), row.suggested_action, row.status,
        row.first_seen_at, row.last_seen_at, row.resolved_by, row.resolved_at, row.resolution_note,
    )


class SqlReconciliationStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        ensure_schema(engine, [TABLES_MODULE])

    def start_run(self, account: str, period_from: date, period_until: date, now: datetime) -> RunRecord:
        def work() -> RunRecord:
            with self._engine.begin() as conn:
                row = conn.execute(sa.select(r).where(
                    r.c.account == account, r.c.period_from == period_from, r.c.period_until == period_until,
                ).with_for_update()).one_or_none()
                if row is None:
                    run_id = uuid.uuid4().hex
                    conn.execute(r.insert().values(
                        run_id=run_id, account=account, period_from=period_from, period_until=period_until,
                        status=RUNNING, started_at=now, settlements_checked=0, transactions_checked=0,
                        discrepancy_count=0))
                elif row.status == RUNNING or (row.status == FAILED and row.checkpoint):
                    conn.execute(r.update().where(r.c.run_id == row.run_id).values(status=RUNNING, error=None))
                    run_id = row.run_id
                else:
                    conn.execute(r.update().where(r.c.run_id == row.run_id).values(
                        status=RUNNING, started_at=now, finished_at=None, duration_ms=None, checkpoint=None,
                        error=None, settlements_checked=0, transactions_checked=0, discrepancy_count=0))
                    run_id = row.run_id
                return _run(conn.execute(sa.select(r).where(r.c.run_id == run_id)).one())

        return retry_on_lock_conflict(work)

    def save_checkpoint(self, run_id: str, checkpoint: dict[str, Any]) -> None:
        with self._engine.begin() as conn:
            conn.execute(r.update().where(r.c.run_id == run_id).values(checkpoint=json.dumps(checkpoint, sort_keys=True)))

    def record_discrepancies(self, account: str, run_id: str, discrepancies: Iterable[Any], now: datetime) -> int:
        unique = {x.identity: x for x in discrepancies}
        items = list(unique.values())
        for i in range(0, len(items), _CHUNK):
            retry_on_lock_conflict(lambda chunk=items[i:i + _CHUNK]: self._upsert(account, run_id, chunk, now))
        return len(items)

    def _upsert(self, account: str, run_id: str, chunk: list[Any], now: datetime) -> None:
        with self._engine.begin() as conn:
            existing = set(conn.scalars(sa.select(d.c.identity).where(
                d.c.account == account, d.c.identity.in_([x.identity for x in chunk]))))
            for x in chunk:
                data = x.to_dict()
                values = {
                    "run_id": run_id, "kind": data["kind"], "currency": data["amount"]["currency"],
                    "amount": data["amount"]["value"], "scope": data["scope"][:200], "ids": json.dumps(data["ids"]),
                    "evidence": json.dumps(data["evidence"], sort_keys=True, default=str),
                    "suggested_action": data["suggested_action"], "last_seen_at": now,
                }
                if x.identity in existing:
                    conn.execute(d.update().where(d.c.account == account, d.c.identity == x.identity).values(**values))
                else:
                    conn.execute(d.insert().values(account=account, identity=x.identity, status=OPEN,
                                                   first_seen_at=now, **values))

    def finish_run(self, run_id: str, status: str, now: datetime, *, settlements_checked: int = 0,
                   transactions_checked: int = 0, totals: dict[str, Any] | None = None,
                   error: str | None = None) -> RunRecord:
        def work() -> RunRecord:
            with self._engine.begin() as conn:
                run = conn.execute(sa.select(r).where(r.c.run_id == run_id)).one()
                if status == COMPLETED:
                    conn.execute(d.delete().where(d.c.run_id == run_id, d.c.status == OPEN,
                                                  d.c.last_seen_at < run.started_at))
                count = conn.scalar(sa.select(sa.func.count()).select_from(d).where(d.c.run_id == run_id))
                conn.execute(r.update().where(r.c.run_id == run_id).values(
                    status=status, finished_at=now,
                    duration_ms=int((now - run.started_at).total_seconds() * 1000),
                    settlements_checked=settlements_checked, transactions_checked=transactions_checked,
                    discrepancy_count=count, totals=json.dumps(totals or {}, sort_keys=True, default=str),
                    error=error, checkpoint=None if status == COMPLETED else run.checkpoint))
                return _run(conn.execute(sa.select(r).where(r.c.run_id == run_id)).one())

        return retry_on_lock_conflict(work)

    def get_run(self, run_id: str) -> RunRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(r).where(r.c.run_id == run_id)).one_or_none()
        return _run(row) if row else None

    def list_runs(self, account: str | None = None, limit: int = 50) -> list[RunRecord]:
        query = sa.select(r).order_by(r.c.started_at.desc()).limit(limit)
        if account is not None:
            query = query.where(r.c.account == account)
        with self._engine.connect() as conn:
            return [_run(row) for row in conn.execute(query)]

    def list_discrepancies(self, account: str, *, run_id: str | None = None, status: str | None = None,
                           kind: str | None = None) -> list[StoredDiscrepancy]:
        query = sa.select(d).where(d.c.account == account).order_by(d.c.kind, d.c.scope, d.c.identity)
        for column, value in ((d.c.run_id, run_id), (d.c.status, status), (d.c.kind, kind)):
            if value is not None:
                query = query.where(column == value)
        with self._engine.connect() as conn:
            return [_discrepancy(row) for row in conn.execute(query)]

    def resolve(self, account: str, identity: str, resolved_by: str, note: str, now: datetime) -> StoredDiscrepancy:
        if not note or not note.strip():
            raise ValueError("resolving a discrepancy needs a note saying why")
        with self._engine.begin() as conn:
            done = conn.execute(d.update().where(d.c.account == account, d.c.identity == identity).values(
                status=RESOLVED, resolved_by=resolved_by, resolved_at=now, resolution_note=note)).rowcount
            if not done:
                raise KeyError(f"no discrepancy {identity} for account {account}")
            return _discrepancy(conn.execute(sa.select(d).where(d.c.account == account, d.c.identity == identity)).one())
