"""`PaymentLedger` on the local SQL store (SQLite file or MariaDB).

Upserts go one page at a time (Mollie's 250): existing ids are read in one query, then inserted
or updated, so a backfill of 600,000 payments is 2,400 small transactions, never the year in RAM.
An update never clears `settled_in`, which only the reconciliation sets.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Iterable, Iterator

import sqlalchemy as sa

from ...core.models.money import Amount, amount_text
from ..ledger import UNPLACED_STATUSES, LedgerPayment, SyncCursor
from .in_lists import padded_chunks
from .retry import retry_on_lock_conflict
from .schema import ensure_schema
from .tables.ledger import mollie_payment as t, mollie_payment_sync as sync

TABLES_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.ledger"
_ID_CHUNK = 500


def _row(account: str, p: LedgerPayment, now: datetime) -> dict:
    settlement_currency = p.settlement_amount.currency if p.settlement_amount else None
    return {
        "account": account, "payment_id": p.id, "currency": p.amount.currency, "amount": amount_text(p.amount),
        "status": p.status, "method": p.method, "sequence_type": p.sequence_type, "customer_id": p.customer_id,
        "member_reference": p.member_reference, "subscription_id": p.subscription_id,
        "mandate_id": p.mandate_id, "created_at": p.created_at, "paid_at": p.paid_at,
        "amount_refunded": amount_text(p.amount_refunded), "amount_charged_back": amount_text(p.amount_charged_back),
        "amount_captured": amount_text(p.amount_captured), "settlement_id": p.settlement_id, "settlement_currency": settlement_currency,
        "settlement_amount": amount_text(p.settlement_amount), "fees": amount_text(p.fees), "synced_at": now,
    }


def _amount(value: str | None, currency: str | None) -> Amount | None:
    return None if value is None or currency is None else Amount(Decimal(value), currency)


def _payment(r: sa.Row) -> LedgerPayment:
    return LedgerPayment(
        id=r.payment_id, amount=Amount(Decimal(r.amount), r.currency), status=r.status,
        created_at=r.created_at, method=r.method, sequence_type=r.sequence_type, customer_id=r.customer_id,
        member_reference=r.member_reference, subscription_id=r.subscription_id, mandate_id=r.mandate_id,
        paid_at=r.paid_at, amount_refunded=_amount(r.amount_refunded, r.currency),
        amount_charged_back=_amount(r.amount_charged_back, r.currency),
        amount_captured=_amount(r.amount_captured, r.currency), settlement_id=r.settlement_id,
        settlement_amount=_amount(r.settlement_amount, r.settlement_currency),
        fees=_amount(r.fees, r.settlement_currency or r.currency), settled_in=r.settled_in,
    )


class SqlPaymentLedger:
    def __init__(self, engine: sa.Engine, *, clock=lambda: datetime.now(timezone.utc)) -> None:
        self._engine = engine
        self._clock = clock
        ensure_schema(engine, [TABLES_MODULE])

    def upsert_payments(self, account: str, payments: Iterable[LedgerPayment]) -> int:
        rows = {p.id: _row(account, p, self._clock()) for p in payments}
        if not rows:
            return 0

        def work() -> int:
            with self._engine.begin() as conn:
                existing = {pid for chunk in padded_chunks(list(rows)) for pid in conn.scalars(
                    sa.select(t.c.payment_id).where(t.c.account == account, t.c.payment_id.in_(chunk)))}
                fresh = [r for pid, r in rows.items() if pid not in existing]
                if fresh:
                    conn.execute(t.insert(), fresh)
                if existing:
                    values = {c: sa.bindparam(f"v_{c}") for c in rows[next(iter(existing))] if c not in ("account", "payment_id")}
                    stmt = t.update().where(t.c.account == sa.bindparam("k_account"),
                                            t.c.payment_id == sa.bindparam("k_payment_id")).values(values)
                    conn.execute(stmt, [
                        {"k_account": account, "k_payment_id": pid, **{f"v_{c}": v for c, v in rows[pid].items()
                                                                          if c not in ("account", "payment_id")}}
                        for pid in existing])
                return len(rows)

        return retry_on_lock_conflict(work)

    def get_payments(self, account: str, ids: Iterable[str]) -> dict[str, LedgerPayment]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, LedgerPayment] = {}
        with self._engine.connect() as conn:
            for chunk in padded_chunks(wanted):
                for r in conn.execute(sa.select(t).where(t.c.account == account, t.c.payment_id.in_(chunk))):
                    found[r.payment_id] = _payment(r)
        return found

    def mark_settled_in(self, account: str, settlement_id: str, payment_ids: Iterable[str]) -> None:
        ids = list(payment_ids)
        if not ids:
            return

        def work() -> None:
            with self._engine.begin() as conn:
                for chunk in padded_chunks(ids):
                    conn.execute(t.update().where(t.c.account == account, t.c.payment_id.in_(chunk))
                                 .values(settled_in=settlement_id))

        retry_on_lock_conflict(work)

    def placement(self, account: str, ids: Iterable[str]) -> dict[str, bool]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, bool] = {}
        with self._engine.connect() as conn:
            for chunk in padded_chunks(wanted):
                for pid, status, settlement, settled_in in conn.execute(sa.select(
                        t.c.payment_id, t.c.status, t.c.settlement_id, t.c.settled_in).where(
                        t.c.account == account, t.c.payment_id.in_(chunk))):
                    found[pid] = bool(status not in UNPLACED_STATUSES or settlement or settled_in)
        return found

    def iter_claimed_by_settlement(self, account: str, settlement_id: str, *, unplaced_only: bool = False
                                   ) -> Iterator[LedgerPayment]:
        last = ""
        while True:
            query = sa.select(t).where(t.c.account == account, t.c.settlement_id == settlement_id, t.c.payment_id > last)
            if unplaced_only:
                query = query.where(sa.or_(t.c.settled_in.is_(None), t.c.settled_in != settlement_id))
            with self._engine.connect() as conn:
                rows = conn.execute(query.order_by(t.c.payment_id).limit(_ID_CHUNK)).all()
            if not rows:
                return
            for r in rows:
                yield _payment(r)
            last = rows[-1].payment_id

    def iter_unsettled_paid(self, account: str, paid_from: datetime | None, paid_before: datetime
                            ) -> Iterator[LedgerPayment]:
        """Keyset-paged on (paid_at, payment_id), so the paid_at index bounds each page's scan."""
        last: tuple[datetime, str] | None = None
        while True:
            query = sa.select(t).where(
                t.c.account == account, t.c.status == "paid", t.c.settlement_id.is_(None), t.c.settled_in.is_(None),
                t.c.paid_at < paid_before,
            ).order_by(t.c.paid_at, t.c.payment_id).limit(_ID_CHUNK)
            if paid_from is not None:
                query = query.where(t.c.paid_at >= paid_from)
            if last is not None:
                query = query.where(sa.or_(t.c.paid_at > last[0], sa.and_(t.c.paid_at == last[0],
                                                                          t.c.payment_id > last[1])))
            with self._engine.connect() as conn:
                rows = conn.execute(query).all()
            if not rows:
                return
            for r in rows:
                yield _payment(r)
            last = (rows[-1].paid_at, rows[-1].payment_id)

    def count(self, account: str) -> int:
        with self._engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(t).where(t.c.account == account))

    def get_sync_cursor(self, account: str) -> SyncCursor:
        with self._engine.connect() as conn:
            r = conn.execute(sa.select(sync).where(sync.c.account == account)).one_or_none()
        if r is None:
            return SyncCursor()
        return SyncCursor(r.next_from, r.since, r.started_at, r.completed_at, r.synced)

    def save_sync_cursor(self, account: str, cursor: SyncCursor) -> None:
        values = {"next_from": cursor.next_from, "since": cursor.since, "started_at": cursor.started_at,
                  "completed_at": cursor.completed_at, "synced": cursor.synced}

        def work() -> None:
            with self._engine.begin() as conn:
                done = conn.execute(sync.update().where(sync.c.account == account).values(**values)).rowcount
                if not done:
                    conn.execute(sync.insert().values(account=account, **values))

        retry_on_lock_conflict(work)
