"""`AuditLogStore` on the Mollie Audit Log DocType, for the audit trail inside a site.

Appends are serialised per chain exactly like the SQL store: the chain's row in
`tabMollie Audit Chain Head` is created if missing and locked with `SELECT … FOR UPDATE` inside the
caller's transaction, so the entry and the head move together or not at all (a rolled-back request
leaves neither a gap nor a fork), and a unique key on (chain_id, sequence) backs that up.

`created` is shown in the site's time zone (the deployment guide filters on it); the instant the
hash covers is recovered exactly, including the repeated hour when daylight saving ends
(`created_fold`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import frappe
from frappe.utils import now_datetime

from verenigingen.verenigingen_payments.doctype.mollie_audit_log.mollie_audit_log import APPEND_FLAG
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import (
    from_site_time,
    to_site_time,
)
from verenigingen.verenigingen_payments.store.interfaces import GENESIS_HASH, AuditEntry, ChainPosition

DOCTYPE = "Mollie Audit Log"
HEAD_DOCTYPE = "Mollie Audit Chain Head"
_COLUMNS = ("chain_id", "sequence", "event_type", "created", "created_fold", "actor", "settings_name",
            "resource_type", "resource_id", "subject_token", "details", "key_id", "previous_hash", "entry_hash")
_SELECT = ", ".join(f"`{c}`" for c in _COLUMNS)


class ChainSealError(ValueError):
    """`seal` returned an entry that does not sit at the position it was given."""





def _entry(row: dict) -> AuditEntry:
    values = {c: row[c] for c in _COLUMNS if c not in ("created", "created_fold")}
    values["created"] = from_site_time(row["created"], row["created_fold"])
    values["sequence"] = int(values["sequence"])
    return AuditEntry(**values)


class FrappeAuditLogStore:
    """Append-only audit log on DocTypes; there is deliberately no update or delete.

    With `commit=True` every append is committed at once (bench console and commands, which
    otherwise roll back on exit); inside a request the request's own commit or rollback applies.
    """

    def __init__(self, *, commit: bool = False) -> None:
        self._commit = commit

    def append(self, chain_id: str, seal: Callable[[ChainPosition], AuditEntry]) -> AuditEntry:
        frappe.db.sql(
            f"""insert ignore into `tab{HEAD_DOCTYPE}`
                (name, chain_id, last_sequence, last_entry_hash, creation, modified, owner, modified_by, docstatus, idx)
                values (%(chain)s, %(chain)s, 0, %(genesis)s, %(now)s, %(now)s, 'Administrator', 'Administrator', 0, 0)""",
            {"chain": chain_id, "genesis": GENESIS_HASH, "now": now_datetime()},
        )
        head = frappe.db.sql(
            f"select last_sequence, last_entry_hash from `tab{HEAD_DOCTYPE}` where name=%s for update",
            chain_id, as_dict=True,
        )[0]
        position = ChainPosition(chain_id, int(head.last_sequence) + 1, head.last_entry_hash)
        entry = seal(position)
        if (entry.chain_id, entry.sequence, entry.previous_hash) != (
            position.chain_id, position.sequence, position.previous_hash):
            raise ChainSealError(f"sealed entry does not sit at {position}")
        self._insert(entry)
        frappe.db.sql(
            f"update `tab{HEAD_DOCTYPE}` set last_sequence=%s, last_entry_hash=%s, modified=%s where name=%s",
            (entry.sequence, entry.entry_hash, now_datetime(), chain_id),
        )
        if self._commit:
            frappe.db.commit()
        return entry

    @staticmethod
    def _insert(entry: AuditEntry) -> None:
        created, fold = to_site_time(entry.created)
        doc = frappe.get_doc({
            "doctype": DOCTYPE, "chain_id": entry.chain_id, "sequence": entry.sequence,
            "event_type": entry.event_type, "created": created, "created_fold": fold, "actor": entry.actor,
            "settings_name": entry.settings_name, "resource_type": entry.resource_type,
            "resource_id": entry.resource_id, "subject_token": entry.subject_token, "details": entry.details,
            "key_id": entry.key_id, "previous_hash": entry.previous_hash, "entry_hash": entry.entry_hash,
        })
        frappe.local.flags[APPEND_FLAG] = True
        try:
            doc.insert(ignore_permissions=True, ignore_links=True)
        finally:
            frappe.local.flags[APPEND_FLAG] = False

    def head(self, chain_id: str) -> ChainPosition:
        row = frappe.db.sql(
            f"select last_sequence, last_entry_hash from `tab{HEAD_DOCTYPE}` where name=%s", chain_id, as_dict=True)
        if not row:
            return ChainPosition(chain_id, 1, GENESIS_HASH)
        return ChainPosition(chain_id, int(row[0].last_sequence) + 1, row[0].last_entry_hash)

    def iter_entries(self, chain_id: str, *, after_sequence: int = 0, batch_size: int = 500
                     ) -> Iterator[AuditEntry]:
        last = after_sequence
        while True:
            rows = frappe.db.sql(
                f"select {_SELECT} from `tab{DOCTYPE}` where chain_id=%s and sequence>%s order by sequence limit %s",
                (chain_id, last, batch_size), as_dict=True,
            )
            yield from (_entry(row) for row in rows)
            if len(rows) < batch_size:
                return
            last = int(rows[-1]["sequence"])

    def find_by_hash(self, chain_id: str, entry_hash: str) -> AuditEntry | None:
        rows = frappe.db.sql(
            f"select {_SELECT} from `tab{DOCTYPE}` where chain_id=%s and entry_hash=%s order by sequence limit 1",
            (chain_id, entry_hash), as_dict=True,
        )
        return _entry(rows[0]) if rows else None

    def find(self, *, chain_id: str | None = None, event_type: str | None = None,
             created_after: datetime | None = None, subject_token: str | None = None,
             limit: int = 100) -> list[AuditEntry]:
        conditions, values = [], {}
        for column, value in (("chain_id", chain_id), ("event_type", event_type), ("subject_token", subject_token)):
            if value is not None:
                conditions.append(f"`{column}`=%({column})s")
                values[column] = value
        if created_after is not None:
            conditions.append("`created`>%(created_after)s")
            values["created_after"] = to_site_time(created_after)[0]
        where = " and ".join(conditions) or "1=1"
        values["limit"] = int(limit)
        rows = frappe.db.sql(
            f"select {_SELECT} from `tab{DOCTYPE}` where {where} order by chain_id, sequence limit %(limit)s",
            values, as_dict=True,
        )
        return [_entry(row) for row in rows]
