"""Waking a drain job: a burst of deliveries makes a handful of jobs, not one per row.

`DrainGate` allows at most one drain job *waiting to start*: `open()` is one Redis `SET NX` and
succeeds only when no job is waiting; the job calls `started()` (deletes the key) before it reads
the log. A delivery whose `open()` fails was committed before that waiting job starts reading, so
the job will see its row; one whose `open()` succeeds queues a new job. Running jobs never block
a new one, so rows committed while a job finishes its last pass are never stranded. The key
expires after `ttl` in case a queued job is lost (then the next delivery or the retry job queues
another).

`DrainQueue` is the `WebhookQueue` in front of it: `submit(log_id)` ignores which row it was
(the drainer takes every due row) and calls `start_drain()` only when the gate opens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import redis


class DrainGate:
    def __init__(self, client: redis.Redis, key: str, *, ttl: timedelta = timedelta(minutes=5)) -> None:
        self._client = client
        self._key = key
        self._ttl = ttl

    def open(self) -> bool:
        """True when the caller should queue a drain job (none was waiting to start)."""
        return bool(self._client.set(self._key, "1", nx=True, px=int(self._ttl.total_seconds() * 1000)))

    def started(self) -> None:
        """A drain job is starting: the next delivery may queue another."""
        self._client.delete(self._key)


class DrainQueue:
    def __init__(self, gate: DrainGate, start_drain: Callable[[], None]) -> None:
        self._gate = gate
        self._start_drain = start_drain

    def submit(self, log_id: str | None = None) -> None:
        if not self._gate.open():
            return None
        try:
            self._start_drain()
        except Exception:  # nothing is waiting after all: let the next delivery try again
            self._gate.started()
            raise
        return None
