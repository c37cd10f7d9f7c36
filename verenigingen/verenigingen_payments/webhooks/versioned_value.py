"""A value built once per process and rebuilt when its source changes: what the endpoint reads
on every request (secrets, the cipher, the wired ingest service) without reading it every time.

`version()` is asked on every `get()` and must be cheap and change whenever the source does (in a
site: the count and latest `modified` of the Mollie Settings and webhook subscription records), so
a rotated secret is used by the very next request in every process. `build()` returns the value and
the instant it stops being valid on its own (a previous secret's grace period ending), or None.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry(Generic[T]):
    version: Hashable
    value: T
    valid_until: datetime | None


class VersionedValue(Generic[T]):
    def __init__(
        self,
        build: Callable[[], tuple[T, datetime | None]],
        version: Callable[[], Hashable],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self._build = build
        self._version = version
        self._clock = clock
        self._entry: _Entry[T] | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        version = self._version()  # read before building: a change during the build is seen next time
        with self._lock:
            entry = self._entry
            if entry is None or entry.version != version or self._expired(entry):
                value, valid_until = self._build()
                entry = self._entry = _Entry(version, value, valid_until)
            return entry.value

    def _expired(self, entry: _Entry[T]) -> bool:
        return entry.valid_until is not None and self._clock() >= entry.valid_until
