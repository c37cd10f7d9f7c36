"""`CollectionStore` on the local SQL store (SQLite file or MariaDB).

`save_case` is a compare-and-set on `version` written in the same transaction as its transition, so
a case and its history never disagree and two workers cannot both move one case. `open_case` relies
on the (account, member, period) key: the second of two concurrent discoveries reads the first's row.
A pre-notification's (collection, version) key makes sending one twice impossible.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from ...collection.dunning import ConcurrentChange, DunningCase, Transition
from ...collection.store import OutboxMessage, PreNotification
from ...core.models.money import Amount, amount_text
from .retry import retry_on_lock_conflict
from .schema import ensure_schema
from .tables.collections import (
    collection_case as cases,
    collection_outbox as outbox,
    collection_prenotification as notes,
    collection_transition as moves,
)

TABLES_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.collections"
_CASE_FIELDS = ("account", "member_reference", "period", "state", "reason_code", "decision", "customer_id",
                "failed_payment_id", "failure_kind", "failed_on", "opened_at", "updated_at", "subscription_id",
                "mandate_id", "retries_done", "next_action_on", "retry_payment_id", "link_id", "link_url",
                "new_mandate", "settled_by", "recovered_at", "version")


def _case_row(case: DunningCase) -> dict:
    row = {name: getattr(case, name) for name in _CASE_FIELDS}
    row.update(currency=case.amount.currency, amount=amount_text(case.amount))
    return row


def _case(r: sa.Row) -> DunningCase:
    m = r._mapping
    return DunningCase(amount=Amount(Decimal(m["amount"]), m["currency"]),
                       **{name: m[name] for name in _CASE_FIELDS if name != "new_mandate"},
                       new_mandate=bool(m["new_mandate"]))


def _transition_row(t: Transition) -> dict:
    return {"account": t.account, "member_reference": t.member_reference, "period": t.period,
            "from_state": t.from_state, "to_state": t.to_state, "cause": t.cause[:255], "at": t.at}


def _case_where(account: str, member_reference: str, period: str):
    return sa.and_(cases.c.account == account, cases.c.member_reference == member_reference,
                   cases.c.period == period)


class SqlCollectionStore:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        ensure_schema(engine, [TABLES_MODULE])

    # -- dunning cases ------------------------------------------------------------------------------
    def open_case(self, case: DunningCase, transition: Transition) -> tuple[DunningCase, bool]:
        def work() -> tuple[DunningCase, bool]:
            existing = self.get_case(*case.key)
            if existing is not None:
                return existing, False
            try:
                with self._engine.begin() as conn:
                    conn.execute(cases.insert().values(**_case_row(case)))
                    conn.execute(moves.insert().values(**_transition_row(transition)))
                return case, True
            except sa.exc.IntegrityError:
                return self.get_case(*case.key), False

        return retry_on_lock_conflict(work)

    def get_case(self, account: str, member_reference: str, period: str) -> DunningCase | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(cases).where(_case_where(account, member_reference, period))).first()
        return _case(row) if row is not None else None

    def save_case(self, case: DunningCase, transition: Transition | None) -> DunningCase:
        saved = replace(case, version=case.version + 1)

        def work() -> DunningCase:
            with self._engine.begin() as conn:
                done = conn.execute(cases.update().where(_case_where(*case.key), cases.c.version == case.version)
                                    .values(**_case_row(saved)))
                if done.rowcount != 1:
                    raise ConcurrentChange(f"{case.member_reference} {case.period} changed since version {case.version}")
                if transition is not None:
                    conn.execute(moves.insert().values(**_transition_row(transition)))
            return saved

        return retry_on_lock_conflict(work)

    def list_cases(self, account: str, states: tuple[str, ...] | None = None) -> list[DunningCase]:
        query = sa.select(cases).where(cases.c.account == account)
        if states is not None:
            query = query.where(cases.c.state.in_(states))
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(cases.c.period, cases.c.member_reference)).all()
        return [_case(r) for r in rows]

    def transitions(self, account: str, member_reference: str | None = None,
                    period: str | None = None) -> list[Transition]:
        query = sa.select(moves).where(moves.c.account == account)
        if member_reference is not None:
            query = query.where(moves.c.member_reference == member_reference)
        if period is not None:
            query = query.where(moves.c.period == period)
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(moves.c.transition_id)).all()
        return [Transition(r.account, r.member_reference, r.period, r.from_state, r.to_state, r.cause, r.at)
                for r in rows]

    def reset_account(self, account: str) -> None:
        """Forget an emulated account's collections: the emulator starts the same world on every run."""
        with self._engine.begin() as conn:
            for table in (cases, moves, notes, outbox):
                conn.execute(table.delete().where(table.c.account == account))

    # -- outbox -------------------------------------------------------------------------------------
    def add_message(self, message: OutboxMessage) -> OutboxMessage:
        values = {k: v for k, v in vars(message).items() if k not in ("message_id",)}
        values["subject"] = values["subject"][:255]
        with self._engine.begin() as conn:
            result = conn.execute(outbox.insert().values(**values))
        return replace(message, message_id=result.inserted_primary_key[0])

    def outbox(self, account: str, unprinted_only: bool = False) -> list[OutboxMessage]:
        query = sa.select(outbox).where(outbox.c.account == account)
        if unprinted_only:
            query = query.where(outbox.c.printed_at.is_(None))
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(outbox.c.message_id)).all()
        return [OutboxMessage(**dict(r._mapping)) for r in rows]

    def mark_printed(self, message_ids: list[int], at: datetime) -> None:
        if message_ids:
            with self._engine.begin() as conn:
                conn.execute(outbox.update().where(outbox.c.message_id.in_(message_ids)).values(printed_at=at))

    # -- pre-notifications --------------------------------------------------------------------------
    def latest_notification(self, account: str, collection_key: str) -> PreNotification | None:
        query = (sa.select(notes).where(notes.c.account == account, notes.c.collection_key == collection_key)
                 .order_by(notes.c.version.desc()).limit(1))
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return _notification(row) if row is not None else None

    def add_notification(self, notification: PreNotification) -> bool:
        """False when this version of the collection's notification exists already (another run sent it)."""
        values = {k: v for k, v in vars(notification).items() if k != "amount"}
        values.update(currency=notification.amount.currency, amount=amount_text(notification.amount))
        try:
            with self._engine.begin() as conn:
                conn.execute(notes.insert().values(**values))
            return True
        except sa.exc.IntegrityError:
            return False

    def link_notification_payment(self, account: str, collection_key: str, payment_id: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(notes.update().where(notes.c.account == account, notes.c.collection_key == collection_key)
                         .values(payment_id=payment_id))

    def notifications(self, account: str) -> list[PreNotification]:
        query = sa.select(notes).where(notes.c.account == account).order_by(notes.c.collection_date,
                                                                              notes.c.collection_key, notes.c.version)
        with self._engine.connect() as conn:
            return [_notification(r) for r in conn.execute(query).all()]


def _notification(r: sa.Row) -> PreNotification:
    m = dict(r._mapping)
    m["amount"] = Amount(Decimal(m.pop("amount")), m.pop("currency"))
    return PreNotification(**m)
