"""The webhook log store on the `Mollie Webhook Log` DocType: `store.webhook_log.WebhookLogStore`'s
contract inside a site, so every delivery is a row finance staff see in the desk.

Rows are written with plain SQL (the endpoint's hot path; the controller refuses ORM writes). Outside
tests each write is committed at once: the received row before the endpoint answers, the claim before
the resource is fetched, the close together with what the handlers wrote. A claim is one conditional
UPDATE, so two workers never both own a row. The applied-effect dedupe is the unique column
`applied_effect_key`, set only on the row that applied that state; a concurrent twin hits the unique
key and closes as `duplicate`. Datetimes are stored naive in the site's time zone (as the desk shows
them); bodies are text (`body_encoding` says when a non-UTF-8 body was kept as base64).
"""

from __future__ import annotations

import base64
from dataclasses import fields
from datetime import datetime, timedelta

import frappe

from verenigingen.verenigingen_payments.frappe_integration.common.site_time import (
    from_site_value,
    to_site_naive,
)
from verenigingen.verenigingen_payments.store.webhook_log import (
    FINISHED_STATUSES,
    DuplicateEventError,
    NewWebhookLog,
    WebhookLogRecord,
    WebhookStatus,
)

DOCTYPE = "Mollie Webhook Log"
TABLE = f"`tab{DOCTYPE}`"
_DATETIMES = ("received_at", "event_created_at", "lease_until", "next_attempt_at", "processed_at")
_RECORD_FIELDS = tuple(f.name for f in fields(WebhookLogRecord) if f.name != "id")
_SELECT = f"select name as id, {', '.join(_RECORD_FIELDS)}, body_encoding from {TABLE}"
_S = {s: s.value for s in WebhookStatus}
_CLAIM = (
    f"update {TABLE} set status='processing', attempts=attempts+1, lease_until=%(lease_until)s, "
    f"modified=%(modified)s where name=%(name)s and (status='received' "
    f"or (status='failed' and next_attempt_at <= %(now)s) or (status='processing' and lease_until < %(now)s))"
)




def _body_text(body: bytes | None) -> tuple[str | None, str]:
    if body is None:
        return None, "utf-8"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def _body_bytes(text: str | None, encoding: str | None) -> bytes | None:
    if text is None:
        return None
    return base64.b64decode(text) if encoding == "base64" else text.encode("utf-8")


def _record(row: dict) -> WebhookLogRecord:
    values = dict(row)
    encoding = values.pop("body_encoding", None)
    for name in _DATETIMES:
        values[name] = from_site_value(values[name])
    for name in ("processed", "body_encrypted", "operator_replay"):
        values[name] = bool(values[name])
    values["status"] = WebhookStatus(values["status"])
    values["body"] = _body_bytes(values["body"], encoding)
    values["headers"] = values["headers"] or "{}"
    return WebhookLogRecord(**values)


class FrappeWebhookLogStore:
    """`WebhookLogStore` on the DocType (same methods, same semantics, one site's database)."""

    def __init__(self, *, commit: bool | None = None) -> None:
        self._commit = (not frappe.flags.in_test) if commit is None else commit

    def _done(self) -> None:
        if self._commit:
            frappe.db.commit()

    # -- writing deliveries ---------------------------------------------------------------

    def record(self, entry: NewWebhookLog) -> WebhookLogRecord:
        values = {f.name: getattr(entry, f.name) for f in fields(entry)}
        values.update(processed=entry.status in FINISHED_STATUSES, attempts=0, status=entry.status.value)
        row = {k: v for k, v in values.items() if k != "id"}
        row["body"], row["body_encoding"] = _body_text(entry.body)
        for name in ("received_at", "event_created_at"):
            row[name] = to_site_naive(row[name])
        now = frappe.utils.now_datetime()
        row.update(name=entry.id, creation=now, modified=now, owner="Guest", modified_by="Guest", docstatus=0, idx=0)
        columns = ", ".join(f"`{c}`" for c in row)
        placeholders = ", ".join(f"%({c})s" for c in row)
        try:
            frappe.db.sql(f"insert into {TABLE} ({columns}) values ({placeholders})", row)
        except Exception as exc:
            if entry.dedupe_key is not None and frappe.db.is_unique_key_violation(exc):
                raise DuplicateEventError(entry.dedupe_key) from exc
            raise
        self._done()
        return WebhookLogRecord(**values, lease_until=None, next_attempt_at=None, processing_ms=None,
                                processed_at=None, effect_key=None)

    def get(self, log_id: str) -> WebhookLogRecord:
        rows = frappe.db.sql(f"{_SELECT} where name=%s", (log_id,), as_dict=True)
        if not rows:
            raise KeyError(f"no webhook log row {log_id!r}")
        return _record(rows[0])

    def find(self, *, status: WebhookStatus | None = None, resource_id: str | None = None,
             webhook_id: str | None = None) -> list[WebhookLogRecord]:
        conditions, values = ["1=1"], {}
        for column, value in (("status", status.value if status else None), ("resource_id", resource_id),
                              ("webhook_id", webhook_id)):
            if value is not None:
                conditions.append(f"{column}=%({column})s")
                values[column] = value
        query = f"{_SELECT} where {' and '.join(conditions)} order by received_at, name"
        return [_record(r) for r in frappe.db.sql(query, values, as_dict=True)]

    def count_by_status(self) -> dict[str, int]:
        return {s: int(n) for s, n in frappe.db.sql(f"select status, count(*) from {TABLE} group by status")}

    def oldest_pending_received_at(self) -> datetime | None:
        (oldest,), = frappe.db.sql(
            f"select min(received_at) from {TABLE} where status in ('received', 'processing') "
            f"or (status='failed' and next_attempt_at is not null)")
        return from_site_value(oldest) if oldest else None

    # -- processing life cycle ------------------------------------------------------------

    def claim(self, log_id: str, *, now: datetime, lease: timedelta) -> WebhookLogRecord | None:
        frappe.db.sql(_CLAIM, {"name": log_id, "now": to_site_naive(now), "lease_until": to_site_naive(now + lease),
                               "modified": frappe.utils.now_datetime()})
        claimed = frappe.db._cursor.rowcount == 1
        record = self.get(log_id) if claimed else None
        self._done()
        return record

    def finish(self, log_id: str, status: WebhookStatus, *, now: datetime, processing_ms: int,
               effect_key: str | None = None, note: str | None = None) -> None:
        if status not in FINISHED_STATUSES:
            raise ValueError(f"{status} does not finish a delivery")
        self._update(log_id, status=status.value, processed=1, processed_at=to_site_naive(now), processing_ms=processing_ms,
                     effect_key=effect_key, lease_until=None, next_attempt_at=None, last_error=note)
        self._done()

    def fail(self, log_id: str, *, error: str, next_attempt_at: datetime | None, processing_ms: int | None) -> None:
        if self._commit:
            frappe.db.rollback()  # drop what a failing handler half wrote; the claim is committed
        self._update(log_id, status=_S[WebhookStatus.FAILED], last_error=error, next_attempt_at=to_site_naive(next_attempt_at),
                     lease_until=None, processing_ms=processing_ms)
        self._done()

    def postpone(self, log_id: str, *, until: datetime, reason: str) -> None:
        frappe.db.sql(
            f"update {TABLE} set status='failed', attempts=attempts-1, next_attempt_at=%(until)s, lease_until=null, "
            f"last_error=%(reason)s, modified=%(modified)s where name=%(name)s and status='processing'",
            {"name": log_id, "until": to_site_naive(until), "reason": reason, "modified": frappe.utils.now_datetime()})
        self._done()

    def due_ids(self, *, now: datetime, stale_before: datetime, limit: int = 500) -> list[str]:
        return frappe.db.sql_list(
            f"select name from {TABLE} where (status='failed' and next_attempt_at <= %(now)s) "
            f"or (status='received' and received_at <= %(stale)s) or (status='processing' and lease_until < %(now)s) "
            f"order by received_at limit %(limit)s",
            {"now": to_site_naive(now), "stale": to_site_naive(stale_before), "limit": int(limit)},
        )

    def replay_candidates(self, *, ids: list[str] | None = None, failed: bool = False,
                          since: datetime | None = None) -> list[WebhookLogRecord]:
        conditions, values = [], {}
        if ids:
            conditions.append("name in %(ids)s")
            values["ids"] = tuple(ids)
        if failed:
            conditions.append("status='failed'")
        if since is not None:
            conditions.append("received_at >= %(since)s")
            values["since"] = to_site_naive(since)
        if not conditions:
            raise ValueError("replay needs ids, failed=True or a since date")
        query = f"{_SELECT} where {' and '.join(conditions)} order by received_at"
        return [_record(r) for r in frappe.db.sql(query, values, as_dict=True)]

    def reset_for_replay(self, log_id: str, *, now: datetime) -> None:
        self._update(log_id, status=_S[WebhookStatus.FAILED], processed=0, next_attempt_at=to_site_naive(now),
                     lease_until=None, operator_replay=1)
        self._done()

    def _update(self, log_id: str, **values) -> None:
        values["modified"] = frappe.utils.now_datetime()
        assignments = ", ".join(f"`{c}`=%({c})s" for c in values)
        frappe.db.sql(f"update {TABLE} set {assignments} where name=%(log_id)s", {**values, "log_id": log_id})

    # -- applied effects ------------------------------------------------------------------

    def effect_applied(self, effect_key: str) -> bool:
        return bool(frappe.db.sql(f"select 1 from {TABLE} where applied_effect_key=%s limit 1", (effect_key,)))

    def finish_with_effect(self, log_id: str, effect_key: str, *, resource_type: str, resource_id: str,
                           status: str | None, now: datetime, processing_ms: int) -> WebhookStatus:
        """Close the row as `processed` holding the applied key, or `duplicate` if a twin holds it (one commit)."""
        closing = dict(processed=1, processed_at=to_site_naive(now), processing_ms=processing_ms, effect_key=effect_key,
                       lease_until=None, next_attempt_at=None, last_error=None)
        try:
            self._update(log_id, status=_S[WebhookStatus.PROCESSED], applied_effect_key=effect_key, **closing)
            outcome = WebhookStatus.PROCESSED
        except Exception as exc:
            if not frappe.db.is_unique_key_violation(exc):
                raise
            self._update(log_id, status=_S[WebhookStatus.DUPLICATE], **closing)
            outcome = WebhookStatus.DUPLICATE
        self._done()
        return outcome

    def effects_for(self, resource_id: str) -> list[str]:
        return frappe.db.sql_list(
            f"select applied_effect_key from {TABLE} where resource_id=%s and applied_effect_key is not null "
            f"order by processed_at", (resource_id,))

    # -- retention ------------------------------------------------------------------------

    def purge_personal_data(self, cutoff: datetime) -> int:
        """Drop bodies, headers and client addresses of rows received before `cutoff`; rows and counts stay."""
        frappe.db.sql(
            f"update {TABLE} set body=null, headers='{{}}', client_ip=null, personal_data_purged=1, modified=%(now)s "
            f"where received_at < %(cutoff)s and personal_data_purged=0",
            {"cutoff": to_site_naive(cutoff), "now": frappe.utils.now_datetime()})
        purged = frappe.db._cursor.rowcount
        self._done()
        return int(purged)
