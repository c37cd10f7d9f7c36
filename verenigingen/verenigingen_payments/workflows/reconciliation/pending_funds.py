"""Funds that stay pending for good: a paid payment whose hold ended long ago, in no settlement, and
whose money the balance still counts as pending (`pending_funds_never_released`), told apart from a
payment Mollie released but paid out in no settlement (`payment_missing_from_settlement`).

The balance report gives the pending amount at the moment T the last closed settlement closed.
What may rightly be pending then are the payments paid in its last `hold` before T that no closed
settlement holds (released after T, they belong to the open settlement or are still held). Whatever
the report holds beyond them at T is stuck; the overdue payments whose own movements add up to
exactly that excess are the ones never released. Recent payments the report no longer holds at T
(released, yet in no closed settlement) could be told apart the same way (`MAX_RELEASED`), but on
the emulator's clean seeds that produced false findings, so it is off: they stay pending until the
next settlement closes without them. Only result amounts of movements no settlement
placed are needed; they are kept outside Python's heap (`UnplacedMovements`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import combinations

from ...core.models.money import Amount
from .tolerance import Tolerance

MAX_CANDIDATES = 12  # overdue payments tried as subsets (2^12 sums at most)
MAX_RELEASED = 0  # recent payments are taken as rightly pending: telling a released one apart proved unreliable


class UnplacedMovements:
    """The payment/capture movements (their result amounts) of payments no settlement places yet,
    and the captures among them.

    A year's scan of a busy balance keeps tens of thousands of them while it pages through hundreds
    of thousands of transactions. Kept as Python objects, each pins its ids, tuple, Decimal and
    datetime among the pages' freed objects, and the process's memory grows with the scan (2.3× the
    page-and-sum floor on `association-large`). So they live in an in-memory SQLite database of the
    run's own: a few compact rows, outside Python's object heap, gone with the run.
    """

    _SCHEMA = (
        "CREATE TABLE movement (payment_id TEXT PRIMARY KEY, transaction_id TEXT NOT NULL,"
        " created_us INTEGER NOT NULL, value TEXT NOT NULL, currency TEXT NOT NULL) WITHOUT ROWID",
        "CREATE INDEX movement_created ON movement (created_us)",
        "CREATE TABLE failure (payment_id TEXT PRIMARY KEY, failed_us INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE capture (payment_id TEXT PRIMARY KEY, capture_id TEXT NOT NULL) WITHOUT ROWID",
    )

    def __init__(self) -> None:
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        for statement in self._SCHEMA:
            self._db.execute(statement)
        self.captures = UnplacedCaptures(self._db)

    def add(self, payment_id: str, transaction_id: str, created_at: datetime, result: Amount,
            capture_id: str | None = None) -> None:
        """The payment's first movement counts (a later one of the same payment is ignored)."""
        self._db.execute("INSERT OR IGNORE INTO movement VALUES (?, ?, ?, ?, ?)",
                         (payment_id, transaction_id, _micros(created_at), str(result.value), result.currency))
        if capture_id:
            self._db.execute("INSERT OR IGNORE INTO capture VALUES (?, ?)", (payment_id, capture_id))

    def fail(self, payment_id: str, created_at: datetime) -> None:
        """A `failed-payment` (or `unauthorized-direct-debit`) took the pending credit back."""
        self._db.execute("INSERT OR IGNORE INTO failure VALUES (?, ?)", (payment_id, _micros(created_at)))

    def forget(self, payment_ids: Iterable[str]) -> None:
        """Payments a settlement placed after all (a capture's payment, once its settlement is matched)."""
        self._db.executemany("DELETE FROM movement WHERE payment_id = ?", ((pid,) for pid in payment_ids))

    def payment_ids(self, chunk: int = 500) -> Iterator[list[str]]:
        """The payments with a movement, `chunk` at a time in id order (forgetting ids already given is safe)."""
        last = ""
        while True:
            rows = self._db.execute("SELECT payment_id FROM movement WHERE payment_id > ? ORDER BY payment_id LIMIT ?",
                                    (last, chunk)).fetchall()
            if not rows:
                return
            yield [pid for (pid,) in rows]
            last = rows[-1][0]

    def get(self, payment_id: str) -> tuple[str, Amount] | None:
        """The payment's movement: its transaction id and result amount."""
        row = self._db.execute("SELECT transaction_id, value, currency FROM movement WHERE payment_id = ?",
                               (payment_id,)).fetchone()
        return None if row is None else (row[0], Amount.of(row[1], row[2]))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM movement").fetchone()[0]

    def recent(self, since: datetime, until: datetime, excluding: set[str]) -> list[tuple[str, Amount]]:
        """Credits made in [since, until) and still on the balance at `until`."""
        rows = self._db.execute(
            "SELECT m.payment_id, m.value, m.currency FROM movement m LEFT JOIN failure f USING (payment_id)"
            " WHERE m.created_us >= ? AND m.created_us < ? AND (f.failed_us IS NULL OR f.failed_us >= ?)"
            " ORDER BY m.created_us, m.payment_id", (_micros(since), _micros(until), _micros(until)))
        return [(pid, Amount.of(value, currency)) for pid, value, currency in rows if pid not in excluding]


class UnplacedCaptures(Mapping[str, str]):
    """Payment id → its capture, for the captured payments among the unplaced movements."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __getitem__(self, payment_id: str) -> str:
        row = self._db.execute("SELECT capture_id FROM capture WHERE payment_id = ?", (payment_id,)).fetchone()
        if row is None:
            raise KeyError(payment_id)
        return row[0]

    def __iter__(self) -> Iterator[str]:
        return iter([pid for (pid,) in self._db.execute("SELECT payment_id FROM capture ORDER BY payment_id")])

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM capture").fetchone()[0]


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, unlike a float timestamp)."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class PendingVerdict:
    """`never_released`: overdue payment → its transaction, still pending; `released`: recent payments
    whose funds were no longer pending when the last settlement closed, yet it does not hold them."""

    never_released: dict[str, str] = field(default_factory=dict)
    released: frozenset[str] = frozenset()


def judge_pending(pending_at_close: Amount, closed_at: datetime, hold: timedelta, movements: UnplacedMovements,
                  overdue: Iterable[str], tolerance: Tolerance) -> PendingVerdict:
    """The fewest overdue payments still pending and recent ones already released that make the
    report's pending amount at the last close add up; an empty verdict when nothing does."""
    zero = Amount.zero(pending_at_close.currency)
    candidates = _first_with_movement(overdue, movements)
    overdue = list(candidates)
    recent = movements.recent(closed_at - hold, closed_at, set(overdue))
    excess = pending_at_close - sum((r for _, r in recent), zero)
    if tolerance.agrees(excess, zero):
        return PendingVerdict()
    for released_count in range(0, MAX_RELEASED + 1):
        for released in combinations(recent, released_count):
            target = excess + sum((r for _, r in released), zero)
            for size in range(0 if released_count else 1, len(overdue) + 1):
                for stuck in combinations(overdue, size):
                    if tolerance.agrees(sum((candidates[pid][1] for pid in stuck), zero), target):
                        return PendingVerdict({pid: candidates[pid][0] for pid in stuck},
                                              frozenset(pid for pid, _ in released))
    return PendingVerdict()


def _first_with_movement(overdue: Iterable[str], movements: UnplacedMovements) -> dict[str, tuple[str, Amount]]:
    """The first `MAX_CANDIDATES` overdue payments that have an unplaced movement, with it."""
    candidates: dict[str, tuple[str, Amount]] = {}
    for pid in dict.fromkeys(overdue):
        movement = movements.get(pid)
        if movement is not None:
            candidates[pid] = movement
            if len(candidates) == MAX_CANDIDATES:
                break
    return candidates
