"""The webhook log: every delivery becomes a row, committed before anything acts on it.

Status moves received → processing → processed / failed / ignored / duplicate; bad input is
`rejected` (with the reason). A `failed` row with `next_attempt_at` set will be retried; without
it, retries were exhausted. A `processing` row whose lease ran out belongs to a crashed worker and
may be claimed again. Claims are a single conditional UPDATE, so two workers never both own a row.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import Enum

import sqlalchemy as sa

from .sql.engine import create_store_engine
from .sql.schema import ensure_schema
from .sql.tables.webhooks import webhook_effect, webhook_log

TABLE_MODULE = "verenigingen.verenigingen_payments.store.sql.tables.webhooks"


class WebhookStatus(str, Enum):
    RECEIVED = "received"
    PROCESSING = "processing"
    PROCESSED = "processed"
    FAILED = "failed"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


FINISHED_STATUSES = frozenset(
    {WebhookStatus.PROCESSED, WebhookStatus.IGNORED, WebhookStatus.DUPLICATE}
)


# Statements built once: they are the hot path of every delivery (building `.values(...)` per call
# costs more than the SQL itself).
_INSERT_LOG = webhook_log.insert()
_UPDATE_LOG = webhook_log.update().where(webhook_log.c.id == sa.bindparam("log_id"))
_INSERT_EFFECT = webhook_effect.insert()
_c = webhook_log.c
_CLAIM = (
    webhook_log.update()
    .where(
        _c.id == sa.bindparam("log_id"),
        sa.or_(
            _c.status == WebhookStatus.RECEIVED.value,
            sa.and_(_c.status == WebhookStatus.FAILED.value, _c.next_attempt_at <= sa.bindparam("now")),
            sa.and_(_c.status == WebhookStatus.PROCESSING.value, _c.lease_until < sa.bindparam("now")),
        ),
    )
    .values(status=WebhookStatus.PROCESSING.value, attempts=_c.attempts + 1, lease_until=sa.bindparam("lease_until"))
)

_POSTPONE = (
    webhook_log.update()
    .where(_c.id == sa.bindparam("log_id"), _c.status == WebhookStatus.PROCESSING.value)
    .values(status=WebhookStatus.FAILED.value, attempts=_c.attempts - 1,
            next_attempt_at=sa.bindparam("until"), lease_until=None, last_error=sa.bindparam("reason"))
)

@dataclass(frozen=True)
class NewWebhookLog:
    """What the ingest service knows about a delivery before anything is done with it."""

    id: str
    source: str
    status: WebhookStatus
    http_status: int
    signature_result: str
    headers: str
    received_at: datetime
    body: bytes | None = None
    body_encrypted: bool = False
    body_size: int = 0
    webhook_id: str | None = None
    account: str | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    parent_id: str | None = None
    event_type: str | None = None
    event_created_at: datetime | None = None
    dedupe_key: str | None = None
    rejection_reason: str | None = None
    client_ip: str | None = None
    last_error: str | None = None
    operator_replay: bool = False


@dataclass(frozen=True)
class WebhookLogRecord:
    id: str
    webhook_id: str | None
    processed: bool
    source: str
    account: str | None
    resource_type: str | None
    resource_id: str | None
    parent_id: str | None
    event_type: str | None
    event_created_at: datetime | None
    dedupe_key: str | None
    status: WebhookStatus
    http_status: int
    rejection_reason: str | None
    signature_result: str
    client_ip: str | None
    headers: str
    body: bytes | None
    body_encrypted: bool
    body_size: int
    received_at: datetime
    attempts: int
    lease_until: datetime | None
    next_attempt_at: datetime | None
    last_error: str | None
    processing_ms: int | None
    processed_at: datetime | None
    effect_key: str | None
    operator_replay: bool

    @classmethod
    def from_row(cls, row: sa.Row) -> WebhookLogRecord:
        values = dict(row._mapping)
        values["status"] = WebhookStatus(values["status"])
        values["body"] = bytes(values["body"]) if values["body"] is not None else None
        return cls(**{f.name: values[f.name] for f in fields(cls)})


class DuplicateEventError(Exception):
    """The dedupe key (a next-gen event id) was logged before."""


class WebhookLogStore:
    """The SQL store of webhook deliveries and applied effects (SQLite or MariaDB via SQLAlchemy Core)."""

    def __init__(self, engine: sa.Engine, *, create_tables: bool = True) -> None:
        self.engine = engine
        # SQLite has one writer at a time and its busy handler sleeps in steps of up to 100 ms;
        # queueing this process's writers on a mutex instead keeps the endpoint's latency low.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        if create_tables:
            ensure_schema(engine, [TABLE_MODULE])

    @classmethod
    def from_url(cls, url: str | None = None) -> WebhookLogStore:
        return cls(create_store_engine(url))

    # -- writing deliveries -------------------------------------------------------------------

    def record(self, entry: NewWebhookLog) -> WebhookLogRecord:
        """Insert and commit one delivery; raise DuplicateEventError if its dedupe key exists."""
        values = {f.name: getattr(entry, f.name) for f in fields(entry)}
        values.update(processed=entry.status in FINISHED_STATUSES, attempts=0)
        try:
            with self._writing() as conn:
                conn.execute(_INSERT_LOG, {**values, "status": entry.status.value})
        except sa.exc.IntegrityError as exc:
            if entry.dedupe_key is None:
                raise
            raise DuplicateEventError(entry.dedupe_key) from exc
        return WebhookLogRecord(**values, lease_until=None, next_attempt_at=None, processing_ms=None,
                                processed_at=None, effect_key=None)

    def get(self, log_id: str) -> WebhookLogRecord:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(webhook_log).where(webhook_log.c.id == log_id)).one_or_none()
        if row is None:
            raise KeyError(f"no webhook log row {log_id!r}")
        return WebhookLogRecord.from_row(row)

    def find(
        self,
        *,
        status: WebhookStatus | None = None,
        resource_id: str | None = None,
        webhook_id: str | None = None,
    ) -> list[WebhookLogRecord]:
        query = sa.select(webhook_log).order_by(webhook_log.c.received_at, webhook_log.c.id)
        if status is not None:
            query = query.where(webhook_log.c.status == status.value)
        if resource_id is not None:
            query = query.where(webhook_log.c.resource_id == resource_id)
        if webhook_id is not None:
            query = query.where(webhook_log.c.webhook_id == webhook_id)
        with self.engine.connect() as conn:
            return [WebhookLogRecord.from_row(r) for r in conn.execute(query)]

    def count_by_status(self) -> dict[str, int]:
        query = sa.select(webhook_log.c.status, sa.func.count()).group_by(webhook_log.c.status)
        with self.engine.connect() as conn:
            return {status: count for status, count in conn.execute(query)}

    def oldest_pending_received_at(self) -> datetime | None:
        """When the oldest row still to process arrived (received, processing, failed with a retry ahead)."""
        c = webhook_log.c
        query = sa.select(sa.func.min(c.received_at)).where(sa.or_(
            c.status.in_([WebhookStatus.RECEIVED.value, WebhookStatus.PROCESSING.value]),
            sa.and_(c.status == WebhookStatus.FAILED.value, c.next_attempt_at.is_not(None)),
        ))
        with self.engine.connect() as conn:
            oldest = conn.scalar(query)
        return oldest

    # -- processing life cycle ----------------------------------------------------------------

    def claim(self, log_id: str, *, now: datetime, lease: timedelta) -> WebhookLogRecord | None:
        """Take the row for processing if nobody holds it and it is due; None otherwise."""
        with self._writing() as conn:
            claimed = conn.execute(_CLAIM, {"log_id": log_id, "now": now, "lease_until": now + lease}).rowcount == 1
        return self.get(log_id) if claimed else None

    def finish(
        self,
        log_id: str,
        status: WebhookStatus,
        *,
        now: datetime,
        processing_ms: int,
        effect_key: str | None = None,
        note: str | None = None,
    ) -> None:
        """Close a claimed row as processed, ignored or duplicate."""
        if status not in FINISHED_STATUSES:
            raise ValueError(f"{status} does not finish a delivery")
        self._update(
            log_id,
            status=status.value,
            processed=True,
            processed_at=now,
            processing_ms=processing_ms,
            effect_key=effect_key,
            lease_until=None,
            next_attempt_at=None,
            last_error=note,
        )

    def fail(
        self, log_id: str, *, error: str, next_attempt_at: datetime | None, processing_ms: int | None
    ) -> None:
        """Mark a claimed row failed; with `next_attempt_at` it will be retried, without it is final."""
        self._update(
            log_id,
            status=WebhookStatus.FAILED.value,
            last_error=error,
            next_attempt_at=next_attempt_at,
            lease_until=None,
            processing_ms=processing_ms,
        )

    def postpone(self, log_id: str, *, until: datetime, reason: str) -> None:
        """Give a claimed row back, due at `until`, its claim not counted as an attempt (Mollie was out of reach)."""
        with self._writing() as conn:
            conn.execute(_POSTPONE, {"log_id": log_id, "until": until, "reason": reason})

    def due_ids(self, *, now: datetime, stale_before: datetime, limit: int = 500) -> list[str]:
        """Rows the retry job should (re)queue: retries due, received rows never picked up, dead leases."""
        c = webhook_log.c
        query = (
            sa.select(c.id)
            .where(
                sa.or_(
                    sa.and_(c.status == WebhookStatus.FAILED.value, c.next_attempt_at <= now),
                    sa.and_(c.status == WebhookStatus.RECEIVED.value, c.received_at <= stale_before),
                    sa.and_(c.status == WebhookStatus.PROCESSING.value, c.lease_until < now),
                )
            )
            .order_by(c.received_at)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return list(conn.scalars(query))

    def replay_candidates(
        self, *, ids: list[str] | None = None, failed: bool = False, since: datetime | None = None
    ) -> list[WebhookLogRecord]:
        c = webhook_log.c
        conditions = []
        if ids:
            conditions.append(c.id.in_(ids))
        if failed:
            conditions.append(c.status == WebhookStatus.FAILED.value)
        if since is not None:
            conditions.append(c.received_at >= since)
        if not conditions:
            raise ValueError("replay needs ids, failed=True or a since date")
        query = sa.select(webhook_log).where(sa.and_(*conditions)).order_by(c.received_at)
        with self.engine.connect() as conn:
            return [WebhookLogRecord.from_row(r) for r in conn.execute(query)]

    def reset_for_replay(self, log_id: str, *, now: datetime) -> None:
        """Make a row claimable again on an operator's request (the effect dedupe still applies)."""
        self._update(
            log_id,
            status=WebhookStatus.FAILED.value,
            processed=False,
            next_attempt_at=now,
            lease_until=None,
            operator_replay=True,
        )

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        if self._write_lock is None:
            with self.engine.begin() as conn:
                yield conn
            return
        with self._write_lock, self.engine.begin() as conn:
            yield conn

    def _update(self, log_id: str, **values) -> None:
        with self._writing() as conn:
            conn.execute(_UPDATE_LOG, {"log_id": log_id, **values})

    # -- applied effects ----------------------------------------------------------------------

    def effect_applied(self, effect_key: str) -> bool:
        query = sa.select(webhook_effect.c.effect_key).where(webhook_effect.c.effect_key == effect_key)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def finish_with_effect(
        self,
        log_id: str,
        effect_key: str,
        *,
        resource_type: str,
        resource_id: str,
        status: str | None,
        now: datetime,
        processing_ms: int,
    ) -> WebhookStatus:
        """Record the applied effect and close the row in ONE transaction.

        The row becomes `processed`, or `duplicate` if a concurrent twin recorded the key first.
        """
        effect = dict(effect_key=effect_key, resource_type=resource_type, resource_id=resource_id,
                      status=status, webhook_log_id=log_id, applied_at=now)
        with self._writing() as conn:
            try:
                with conn.begin_nested():
                    conn.execute(_INSERT_EFFECT, effect)
                outcome = WebhookStatus.PROCESSED
            except sa.exc.IntegrityError:
                outcome = WebhookStatus.DUPLICATE
            conn.execute(_UPDATE_LOG, dict(
                log_id=log_id, status=outcome.value, processed=True, processed_at=now,
                processing_ms=processing_ms, effect_key=effect_key, lease_until=None, next_attempt_at=None,
                last_error=None,
            ))
        return outcome

    def effects_for(self, resource_id: str) -> list[str]:
        query = (
            sa.select(webhook_effect.c.effect_key)
            .where(webhook_effect.c.resource_id == resource_id)
            .order_by(webhook_effect.c.applied_at)
        )
        with self.engine.connect() as conn:
            return list(conn.scalars(query))

