"""Retrying a short transaction that lost a lock race (SQLite busy, MariaDB deadlock/lock wait)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

T = TypeVar("T")

_MARIADB_LOCK_ERRORS = {1205, 1213}  # lock wait timeout, deadlock found


def is_lock_conflict(exc: sa.exc.DBAPIError) -> bool:
    original = exc.orig
    code = original.args[0] if getattr(original, "args", None) else None
    if code in _MARIADB_LOCK_ERRORS:
        return True
    return "database is locked" in str(original).lower()


def retry_on_lock_conflict(work: Callable[[], T], *, attempts: int = 5,
                           sleep: Callable[[float], None] = time.sleep) -> T:
    """Run `work` (a whole transaction, safe to repeat) again when it lost a lock race."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except sa.exc.OperationalError as exc:
            if attempt == attempts or not is_lock_conflict(exc):
                raise
            sleep(0.05 * attempt)
    raise AssertionError("unreachable")
