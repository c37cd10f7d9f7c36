"""The small, record-oriented store interfaces the core talks to.

Outside Frappe the SQL store (`store.sql`) implements them; inside a site the Frappe layer
implements the same Protocols on DocTypes. Records are frozen dataclasses of plain Python values
(str, int, aware datetime) so neither side leaks its framework into the core.

A feature adds its own Protocol and record types here (or in a sibling module it owns), its tables
in `store/sql/tables/<feature>.py`, its SQL class, and a contract test parametrised over SQLite and
MariaDB (`sql_store_url` fixture).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainPosition:
    """Where the next entry of an audit chain goes: its sequence and the hash it must link to."""

    chain_id: str
    sequence: int
    previous_hash: str


@dataclass(frozen=True)
class AuditEntry:
    """One sealed audit-log entry, exactly as stored.

    `details` is canonical, redacted JSON text. `subject_token` is a pseudonymous token for the
    member/customer the entry is about (never their identifier in clear), so erasing the token's
    mapping anonymises the entry without touching hashed content.
    """

    chain_id: str
    sequence: int
    event_type: str
    created: datetime
    actor: str
    settings_name: str | None
    resource_type: str | None
    resource_id: str | None
    subject_token: str | None
    details: str
    key_id: str
    previous_hash: str
    entry_hash: str


@runtime_checkable
class AuditLogStore(Protocol):
    """Append-only: entries can be added and read, never updated or deleted through this API."""

    def append(self, chain_id: str, seal: Callable[[ChainPosition], AuditEntry]) -> AuditEntry:
        """Reserve the next position of `chain_id` exclusively, let `seal` build the entry, store it.

        Concurrent callers are serialised per chain: no two entries share a sequence, no sequence
        is skipped, and each links to the hash of its predecessor.
        """
        ...

    def head(self, chain_id: str) -> ChainPosition:
        """The position the next entry would take (sequence 1 and GENESIS_HASH for a new chain)."""
        ...

    def iter_entries(self, chain_id: str, *, after_sequence: int = 0, batch_size: int = 500
                     ) -> Iterator[AuditEntry]:
        """Entries in sequence order, read in batches (constant memory)."""
        ...

    def find_by_hash(self, chain_id: str, entry_hash: str) -> AuditEntry | None: ...

    def find(self, *, chain_id: str | None = None, event_type: str | None = None,
             created_after: datetime | None = None, subject_token: str | None = None,
             limit: int = 100) -> list[AuditEntry]: ...


@runtime_checkable
class PseudonymStore(Protocol):
    """Maps pseudonymous tokens to the personal identifiers they stand for.

    Kept apart from the records that carry the tokens: forgetting a token (GDPR erasure) leaves
    those records, their totals and the audit chain intact but no longer attributable.
    """

    def remember(self, token: str, kind: str, value: str) -> None: ...

    def resolve(self, token: str) -> str | None: ...

    def forget(self, token: str) -> bool: ...
