"""Idempotency-Key as on Mollie's idempotency page: honoured on POST only (PATCH and DELETE ignore
it); the first response to a key is kept for an hour (simulated clock) and replayed with
`Idempotent-Replayed: true`; the same key with another path or body is a 400; a key whose first
request is still running gets a 409."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

TTL = 3600


@dataclass
class Entry:
    fingerprint: str
    created: int
    status: int | None = None
    body: bytes = b""
    headers: tuple = ()


class IdempotencyCache:
    def __init__(self) -> None:
        self._entries: dict[tuple, Entry] = {}
        self._lock = threading.Lock()

    @staticmethod
    def fingerprint(method: str, path: str, body: bytes) -> str:
        return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()

    def begin(self, scope: str, key: str, fingerprint: str, now: int) -> tuple[str, Entry | None]:
        """("new", None) | ("replay", entry) | ("mismatch", None) | ("in-progress", None)."""
        with self._lock:
            entry = self._entries.get((scope, key))
            if entry is not None and now - entry.created >= TTL:
                entry = None
            if entry is None:
                self._entries[(scope, key)] = Entry(fingerprint, now)
                return "new", None
            if entry.fingerprint != fingerprint:
                return "mismatch", None
            if entry.status is None:
                return "in-progress", None
            return "replay", entry

    def finish(self, scope: str, key: str, status: int, body: bytes, headers: tuple) -> None:
        with self._lock:
            entry = self._entries.get((scope, key))
            if entry is not None:
                if status >= 500:
                    del self._entries[(scope, key)]  # a failed attempt may be retried with the same key
                else:
                    entry.status, entry.body, entry.headers = status, body, headers
