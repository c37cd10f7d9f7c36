"""SQL implementations of `AuditLogStore` and `PseudonymStore` (SQLite and MariaDB).

Appends are serialised per chain by locking the chain's head row (`SELECT … FOR UPDATE` on
MariaDB; the database write lock taken by `BEGIN IMMEDIATE` on SQLite), and a primary key on
(chain_id, sequence) makes a fork impossible even if that discipline were bypassed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timezone

import sqlalchemy as sa

from ..interfaces import GENESIS_HASH, AuditEntry, ChainPosition
from .engine import serialised_write
from .retry import retry_on_lock_conflict
from .tables.audit import audit_chain_head, audit_log, pseudonym

_ENTRY_COLUMNS = tuple(audit_log.c.keys())


class ChainSealError(ValueError):
    """`seal` returned an entry that does not sit at the position it was given."""


def _entry(row: sa.Row) -> AuditEntry:
    return AuditEntry(**{name: getattr(row, name) for name in _ENTRY_COLUMNS})


class SqlAuditLogStore:
    """Append-only audit log on the local SQL store; there is deliberately no update or delete."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def append(self, chain_id: str, seal: Callable[[ChainPosition], AuditEntry]) -> AuditEntry:
        self._ensure_head(chain_id)
        return retry_on_lock_conflict(lambda: self._append_once(chain_id, seal))

    def _append_once(self, chain_id: str, seal: Callable[[ChainPosition], AuditEntry]) -> AuditEntry:
        with serialised_write(self._engine) as connection:
            head = connection.execute(
                sa.select(audit_chain_head.c.sequence, audit_chain_head.c.entry_hash)
                .where(audit_chain_head.c.chain_id == chain_id)
                .with_for_update()
            ).one()
            position = ChainPosition(chain_id, head.sequence + 1, head.entry_hash)
            entry = seal(position)
            if (entry.chain_id, entry.sequence, entry.previous_hash) != (
                position.chain_id, position.sequence, position.previous_hash):
                raise ChainSealError(f"sealed entry does not sit at {position}")
            connection.execute(audit_log.insert().values(
                **{name: getattr(entry, name) for name in _ENTRY_COLUMNS}))
            connection.execute(
                audit_chain_head.update()
                .where(audit_chain_head.c.chain_id == chain_id)
                .values(sequence=entry.sequence, entry_hash=entry.entry_hash)
            )
        return entry

    def _ensure_head(self, chain_id: str) -> None:
        with self._engine.connect() as connection:
            exists = connection.scalar(
                sa.select(audit_chain_head.c.chain_id).where(audit_chain_head.c.chain_id == chain_id))
        if exists is not None:
            return
        try:
            with self._engine.begin() as connection:
                connection.execute(audit_chain_head.insert().values(
                    chain_id=chain_id, sequence=0, entry_hash=GENESIS_HASH))
        except sa.exc.IntegrityError:
            pass  # another writer created it first

    def head(self, chain_id: str) -> ChainPosition:
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(audit_chain_head.c.sequence, audit_chain_head.c.entry_hash)
                .where(audit_chain_head.c.chain_id == chain_id)
            ).one_or_none()
        if row is None:
            return ChainPosition(chain_id, 1, GENESIS_HASH)
        return ChainPosition(chain_id, row.sequence + 1, row.entry_hash)

    def iter_entries(self, chain_id: str, *, after_sequence: int = 0, batch_size: int = 500
                     ) -> Iterator[AuditEntry]:
        last = after_sequence
        while True:
            with self._engine.connect() as connection:
                rows = connection.execute(
                    sa.select(audit_log)
                    .where(audit_log.c.chain_id == chain_id, audit_log.c.sequence > last)
                    .order_by(audit_log.c.sequence)
                    .limit(batch_size)
                ).all()
            for row in rows:
                yield _entry(row)
            if len(rows) < batch_size:
                return
            last = rows[-1].sequence

    def find_by_hash(self, chain_id: str, entry_hash: str) -> AuditEntry | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(audit_log).where(
                    audit_log.c.chain_id == chain_id, audit_log.c.entry_hash == entry_hash)
                .order_by(audit_log.c.sequence).limit(1)
            ).one_or_none()
        return None if row is None else _entry(row)

    def find(self, *, chain_id: str | None = None, event_type: str | None = None,
             created_after: datetime | None = None, subject_token: str | None = None,
             limit: int = 100) -> list[AuditEntry]:
        query = sa.select(audit_log)
        if chain_id is not None:
            query = query.where(audit_log.c.chain_id == chain_id)
        if event_type is not None:
            query = query.where(audit_log.c.event_type == event_type)
        if created_after is not None:
            query = query.where(audit_log.c.created > created_after)
        if subject_token is not None:
            query = query.where(audit_log.c.subject_token == subject_token)
        query = query.order_by(audit_log.c.chain_id, audit_log.c.sequence).limit(limit)
        with self._engine.connect() as connection:
            return [_entry(row) for row in connection.execute(query)]


class SqlPseudonymStore:
    """Token → personal identifier; `forget` is how an erasure makes tokens anonymous."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def remember(self, token: str, kind: str, value: str) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(pseudonym.insert().values(
                    token=token, kind=kind, value=value, created=datetime.now(timezone.utc)))
        except sa.exc.IntegrityError:
            pass  # tokens are deterministic: the same token already maps to the same value

    def resolve(self, token: str) -> str | None:
        with self._engine.connect() as connection:
            return connection.scalar(sa.select(pseudonym.c.value).where(pseudonym.c.token == token))

    def forget(self, token: str) -> bool:
        with self._engine.begin() as connection:
            result = connection.execute(pseudonym.delete().where(pseudonym.c.token == token))
        return result.rowcount > 0
