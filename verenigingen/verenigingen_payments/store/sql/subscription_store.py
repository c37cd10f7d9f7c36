"""`SubscriptionStore` on the local SQL store (SQLite file or MariaDB)."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from datetime import datetime
from decimal import Decimal
from typing import Iterable, Iterator

import sqlalchemy as sa

from ...core.models.money import Amount, amount_text
from ...subscriptions.records import (
    DriftReport, SubscriptionEvent, SubscriptionPayment, SubscriptionRecord, SyncCheckpoint,
)
from .retry import retry_on_lock_conflict
from .schema import ensure_schema
from .tables.subscriptions import (
    mollie_subscription as t, mollie_subscription_drift as drift, mollie_subscription_event as ev,
    mollie_subscription_payment as pay, mollie_subscription_sync as sync,
)

TABLES_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.subscriptions"
_PLAIN = [f.name for f in fields(SubscriptionRecord) if f.name != "amount"]



def _amount(value: str | None, currency: str) -> Amount | None:
    return None if value is None else Amount(Decimal(value), currency)


def _record_row(r: SubscriptionRecord) -> dict:
    row = {name: getattr(r, name) for name in _PLAIN}
    row.update(currency=r.amount.currency, amount=amount_text(r.amount))
    return row


def _record(row: sa.Row) -> SubscriptionRecord:
    values = {name: getattr(row, name) for name in _PLAIN}
    values["cancel_at_period_end"] = bool(values["cancel_at_period_end"])
    return SubscriptionRecord(amount=Amount(Decimal(row.amount), row.currency), **values)


def _payment_row(p: SubscriptionPayment) -> dict:
    return {"account": p.account, "payment_id": p.payment_id, "subscription_id": p.subscription_id,
            "member_reference": p.member_reference, "term": p.term, "currency": p.amount.currency,
            "amount": amount_text(p.amount), "status": p.status, "due_date": p.due_date, "created_at": p.created_at,
            "paid_at": p.paid_at, "amount_charged_back": amount_text(p.amount_charged_back),
            "amount_refunded": amount_text(p.amount_refunded), "sequence_type": p.sequence_type}


def _payment(r: sa.Row) -> SubscriptionPayment:
    return SubscriptionPayment(
        r.account, r.payment_id, r.subscription_id, r.member_reference, r.term, Amount(Decimal(r.amount), r.currency),
        r.status, r.due_date, r.created_at, r.paid_at, _amount(r.amount_charged_back, r.currency),
        _amount(r.amount_refunded, r.currency), r.sequence_type)


def _drift(r: sa.Row) -> DriftReport:
    return DriftReport(r.account, r.subscription_id, r.field, r.local_value, r.mollie_value, r.member_reference,
                       r.term, r.status, r.first_seen_at, r.last_seen_at, r.resolution)


class SqlSubscriptionStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        ensure_schema(engine, [TABLES_MODULE])

    def _one(self, query) -> SubscriptionRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _record(row)

    def get(self, account: str, member_reference: str, term: int) -> SubscriptionRecord | None:
        return self._one(sa.select(t).where(t.c.account == account, t.c.member_reference == member_reference,
                                            t.c.term == term))

    def current(self, account: str, member_reference: str) -> SubscriptionRecord | None:
        return self._one(sa.select(t).where(t.c.account == account, t.c.member_reference == member_reference)
                         .order_by(t.c.term.desc()).limit(1))

    def by_subscription_id(self, account: str, subscription_id: str) -> SubscriptionRecord | None:
        return self._one(sa.select(t).where(t.c.account == account, t.c.subscription_id == subscription_id))

    def by_first_payment_id(self, account: str, payment_id: str) -> SubscriptionRecord | None:
        return self._one(sa.select(t).where(t.c.account == account, t.c.first_payment_id == payment_id))

    def save(self, record: SubscriptionRecord) -> None:
        row = _record_row(record)
        key = (t.c.account == record.account, t.c.member_reference == record.member_reference,
               t.c.term == record.term)

        def work() -> None:
            with self._engine.begin() as conn:
                if not conn.execute(t.update().where(*key).values(row)).rowcount:
                    exists = conn.execute(sa.select(t.c.term).where(*key)).first()
                    if exists is None:  # MariaDB reports 0 rows for an update that changed nothing
                        conn.execute(t.insert().values(row))

        retry_on_lock_conflict(work)

    def iter_records(self, account: str | None = None, statuses: Iterable[str] | None = None
                     ) -> Iterator[SubscriptionRecord]:
        query = sa.select(t).order_by(t.c.account, t.c.member_reference, t.c.term)
        if account is not None:
            query = query.where(t.c.account == account)
        if statuses is not None:
            query = query.where(t.c.status.in_(list(statuses)))
        with self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return iter([_record(r) for r in rows])

    def record_event(self, event: SubscriptionEvent) -> bool:
        def work() -> bool:
            with self._engine.begin() as conn:
                if conn.execute(sa.select(ev.c.kind).where(ev.c.account == event.account,
                                                           ev.c.event_key == event.event_key)).first():
                    return False
                conn.execute(ev.insert().values(
                    account=event.account, event_key=event.event_key, member_reference=event.member_reference,
                    term=event.term, kind=event.kind, at=event.at, details=json.dumps(event.details, sort_keys=True)))
                return True

        try:
            return retry_on_lock_conflict(work)
        except sa.exc.IntegrityError:  # a concurrent writer recorded the same key first
            return False

    def has_event(self, account: str, event_key: str) -> bool:
        with self._engine.connect() as conn:
            return conn.execute(sa.select(ev.c.kind).where(ev.c.account == account,
                                                           ev.c.event_key == event_key)).first() is not None

    def iter_events(self, account: str) -> Iterator[SubscriptionEvent]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(ev).where(ev.c.account == account).order_by(ev.c.at)).all()
        return iter([SubscriptionEvent(r.account, r.member_reference, r.term, r.kind, r.at, r.event_key,
                                       json.loads(r.details or "{}")) for r in rows])

    def upsert_payment(self, payment: SubscriptionPayment) -> None:
        row = _payment_row(payment)
        key = (pay.c.account == payment.account, pay.c.payment_id == payment.payment_id)

        def work() -> None:
            with self._engine.begin() as conn:
                if conn.execute(sa.select(pay.c.payment_id).where(*key)).first():
                    conn.execute(pay.update().where(*key).values(row))
                else:
                    conn.execute(pay.insert().values(row))

        retry_on_lock_conflict(work)

    def iter_payments(self, account: str) -> Iterator[SubscriptionPayment]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(pay).where(pay.c.account == account).order_by(pay.c.due_date)).all()
        return iter([_payment(r) for r in rows])

    def record_drift(self, report: DriftReport, now: datetime) -> None:
        key = (drift.c.account == report.account, drift.c.subscription_id == report.subscription_id,
               drift.c.field == report.field)

        def work() -> None:
            with self._engine.begin() as conn:
                row = conn.execute(sa.select(drift).where(*key)).first()
                values = {"local_value": report.local_value, "mollie_value": report.mollie_value,
                          "member_reference": report.member_reference, "term": report.term, "last_seen_at": now}
                if row is None:
                    conn.execute(drift.insert().values(
                        account=report.account, subscription_id=report.subscription_id, field=report.field,
                        status="open", first_seen_at=now, **values))
                elif row.status == "open" or (row.local_value, row.mollie_value) != (report.local_value,
                                                                                        report.mollie_value):
                    conn.execute(drift.update().where(*key).values(status="open", resolution=None, **values))

        retry_on_lock_conflict(work)

    def open_drift(self, account: str) -> list[DriftReport]:
        with self._engine.connect() as conn:
            rows = conn.execute(sa.select(drift).where(drift.c.account == account, drift.c.status == "open")
                                .order_by(drift.c.subscription_id, drift.c.field)).all()
        return [_drift(r) for r in rows]

    def resolve_drift(self, account: str, subscription_id: str, field: str, resolution: str,
                      now: datetime) -> None:
        with self._engine.begin() as conn:
            conn.execute(drift.update().where(
                drift.c.account == account, drift.c.subscription_id == subscription_id, drift.c.field == field,
            ).values(status="resolved", resolution=resolution, last_seen_at=now))

    def get_checkpoint(self, account: str) -> SyncCheckpoint:
        with self._engine.connect() as conn:
            r = conn.execute(sa.select(sync).where(sync.c.account == account)).first()
        return SyncCheckpoint() if r is None else SyncCheckpoint(r.next_from, r.started_at, r.completed_at,
                                                                 r.processed)

    def save_checkpoint(self, account: str, checkpoint: SyncCheckpoint) -> None:
        values = asdict(checkpoint)

        def work() -> None:
            with self._engine.begin() as conn:
                if conn.execute(sa.select(sync.c.account).where(sync.c.account == account)).first():
                    conn.execute(sync.update().where(sync.c.account == account).values(**values))
                else:
                    conn.execute(sync.insert().values(account=account, **values))

        retry_on_lock_conflict(work)
