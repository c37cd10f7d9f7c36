"""Verifies an audit chain and names the first entry where it was edited, deleted or reordered."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace

from ...store.interfaces import GENESIS_HASH, AuditEntry, AuditLogStore
from .audit_canonical import entry_mac
from .keys import KeyRing

EDITED = "edited"
DELETED = "deleted"
REORDERED = "reordered"
UNKNOWN_KEY = "unknown-key"


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    kind: str
    message: str


@dataclass(frozen=True)
class ChainVerification:
    chain_id: str
    entries_checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        if self.problem is None:
            return f"audit chain {self.chain_id}: {self.entries_checked} entries verified, intact"
        return (f"audit chain {self.chain_id}: {self.problem.kind} at entry {self.problem.sequence}: "
                f"{self.problem.message}")


def _mac_matches(keys: KeyRing, entry: AuditEntry) -> bool | None:
    key = keys.keys.get(entry.key_id)
    if key is None:
        return None
    return hmac.compare_digest(entry_mac(key, entry), entry.entry_hash)


def _was_renumbered(keys: KeyRing, entry: AuditEntry, window: int = 16) -> bool:
    """Does the entry verify under a later sequence number (it moved down after a deletion)?"""
    return any(_mac_matches(keys, replace(entry, sequence=entry.sequence + shift))
               for shift in range(1, window + 1))


def verify_chain(store: AuditLogStore, keys: KeyRing, chain_id: str) -> ChainVerification:
    """Walk the chain in sequence order (batched, constant memory) and stop at the first problem."""
    expected, previous, checked = 1, GENESIS_HASH, 0

    def fail(sequence: int, kind: str, message: str) -> ChainVerification:
        return ChainVerification(chain_id, checked, ChainProblem(sequence, kind, message))

    for entry in store.iter_entries(chain_id):
        if entry.sequence != expected:
            return fail(expected, DELETED,
                        f"entry {expected} is missing; the next stored entry is {entry.sequence}")
        if not hmac.compare_digest(entry.previous_hash, previous):
            moved = store.find_by_hash(chain_id, entry.previous_hash)
            if moved is not None and moved.sequence != expected - 1:
                return fail(expected, REORDERED,
                            f"entry {expected} links to entry {moved.sequence}, not to {expected - 1}")
            if _mac_matches(keys, entry) or _was_renumbered(keys, entry):
                return fail(expected, DELETED,
                            f"entry {expected} does not link to its predecessor: an entry before "
                            "it was deleted")
            return fail(expected, EDITED, f"entry {expected}'s link to its predecessor was altered")
        matches = _mac_matches(keys, entry)
        if matches is None:
            return fail(expected, UNKNOWN_KEY,
                        f"entry {expected} was sealed with key version {entry.key_id!r}, "
                        "which is not configured")
        if not matches:
            return fail(expected, EDITED, f"entry {expected}'s content does not match its hash")
        previous = entry.entry_hash
        expected += 1
        checked += 1
    head = store.head(chain_id)
    if head.sequence > expected:
        return fail(expected, DELETED,
                    f"the chain head records {head.sequence - 1} entries but only {expected - 1} "
                    "remain: the latest were deleted")
    if head.sequence < expected:
        return fail(expected - 1, EDITED, "the chain head records fewer entries than are stored")
    if not hmac.compare_digest(head.previous_hash, previous):
        return fail(expected - 1, EDITED, "the last entry's hash differs from the chain head's")
    return ChainVerification(chain_id, checked, None)
