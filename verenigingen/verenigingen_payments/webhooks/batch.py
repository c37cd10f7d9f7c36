"""Draining the log in batches: one job claims due rows under leases and processes them itself.

A pass claims up to `batch_size` due rows (each claim the same conditional UPDATE as always, so
two drainers never own a row). Fetches then run on `concurrency` threads: each takes its row's
resource lock, fetches, hands the result to the calling thread and holds the lock until that
thread has closed the row. Everything that writes (claim, handlers, effect key, close) runs on
the calling thread, one row at a time, so a store bound to the caller's database connection
(Frappe's) works unchanged, and the lock-then-fetch-then-record order of `WebhookProcessor.process`
is kept: the exactly-once argument is the same. The pace is set by the Mollie clients' shared
rate limiter, which every fetch passes; `concurrency` only has to cover the fetch latency.

`drain()` repeats passes until nothing is due or its time slice is over; the report says whether
rows were still due, so the caller can queue a successor. When Mollie is out of reach (its 429, no
connection, the breaker open: `RetryPolicy.pause_for`), the drainer pauses: rows whose fetch has not
started are given back unfetched and uncounted, due when the pause ends, and the drain stops, so a
rate-limited or unreachable Mollie is not asked again for every row of the backlog. A drainer
killed mid-pass leaves its claimed rows leased: the retry job takes them again when the lease has
run out.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..store.webhook_log import WebhookLogRecord, WebhookLogStore
from .processing import Fetched, ResourceLocks, WebhookProcessor, resource_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DrainReport:
    rows: int  # rows claimed and closed (processed, ignored, duplicate or failed)
    passes: int
    more_due: bool  # the time slice ended with rows still due
    paused_until: datetime | None = None  # Mollie was out of reach: nothing is fetched before this


@dataclass
class _InFlight:
    record: WebhookLogRecord
    started: float = 0.0
    fetched: Fetched | None = None
    error: Exception | None = None
    skipped: bool = False  # not fetched: the drainer paused first
    closed: threading.Event = field(default_factory=threading.Event)


class BatchDrainer:
    def __init__(
        self,
        store: WebhookLogStore,
        processor: WebhookProcessor,
        locks: ResourceLocks,
        *,
        batch_size: int = 50,
        concurrency: int = 8,
        time_slice: timedelta = timedelta(minutes=2),
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self._store = store
        self._processor = processor
        self._locks = locks
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._time_slice = time_slice
        self._clock = clock
        self._paused_until: datetime | None = None

    def drain(self) -> DrainReport:
        """Process due rows pass after pass until none is due or the time slice is over."""
        deadline = self._clock() + self._time_slice
        rows = passes = 0
        self._paused_until = None
        while self._clock() < deadline:
            claimed = self.claim_batch()
            if not claimed:
                return DrainReport(rows, passes, more_due=False)
            self.run_batch(claimed)
            rows += len(claimed)
            passes += 1
            if self._paused_until is not None:
                return DrainReport(rows, passes, more_due=False, paused_until=self._paused_until)
        return DrainReport(rows, passes, more_due=bool(self._due_ids(1)))

    def claim_batch(self) -> list[WebhookLogRecord]:
        """Claim up to a batch of due rows (any age: a drainer was asked for); those another took are skipped."""
        claimed = (self._processor.claim(log_id) for log_id in self._due_ids(self._batch_size))
        return [record for record in claimed if record is not None]

    def run_batch(self, records: list[WebhookLogRecord]) -> None:
        """Fetch concurrently, close each row on this thread as its fetch is ready."""
        ready: queue.SimpleQueue[_InFlight] = queue.SimpleQueue()
        flights = [_InFlight(record) for record in records]
        with ThreadPoolExecutor(max_workers=min(self._concurrency, len(flights)),
                                thread_name_prefix="mollie-webhook-fetch") as pool:
            try:
                for flight in flights:
                    pool.submit(self._fetch_holding_lock, flight, ready)
                for _ in flights:
                    self._close(ready.get())
            finally:  # on an error here the rest stay leased; let their threads go
                for flight in flights:
                    flight.closed.set()

    def _fetch_holding_lock(self, flight: _InFlight, ready: queue.SimpleQueue) -> None:
        if flight.closed.is_set():
            return
        flight.started = time.perf_counter()
        if self._skipped_while_paused(flight, ready):
            return
        handed_over = False
        try:
            with self._locks.hold(resource_key(flight.record)):
                if flight.closed.is_set():  # the pass ended while this thread waited for the lock
                    return
                if self._skipped_while_paused(flight, ready):  # the pause began while it waited
                    handed_over = True
                    return
                try:
                    flight.fetched = self._processor.fetch(flight.record)
                except Exception as exc:  # closed as a failure by the calling thread
                    flight.error = exc
                ready.put(flight)
                handed_over = True
                flight.closed.wait()
        except Exception as exc:  # the lock could not be had (or not be given back)
            if handed_over:
                logger.warning("releasing the lock of webhook %s failed: %s", flight.record.id, exc)
                return
            flight.error = exc
            ready.put(flight)

    def _skipped_while_paused(self, flight: _InFlight, ready: queue.SimpleQueue) -> bool:
        """Hand the flight back unfetched when the drainer has paused."""
        if self._paused_until is None:
            return False
        flight.skipped = True
        ready.put(flight)
        return True

    def _close(self, flight: _InFlight) -> None:
        try:
            if flight.skipped:
                self._processor.postpone(flight.record, self._paused_until,
                                         "not fetched: Mollie was out of reach for an earlier delivery")
                return
            if flight.error is not None:
                self._pause_after(flight.error)
                raise flight.error
            self._processor.settle(flight.record, flight.fetched, flight.started)
        except Exception as exc:  # every failure is retried, then surfaced; none may end the pass
            self._processor.failed(flight.record, exc, flight.started)
        finally:
            flight.closed.set()

    def _pause_after(self, error: Exception) -> None:
        pause = self._processor.pause_for(error)
        if pause is not None:
            until = self._clock() + pause
            self._paused_until = max(self._paused_until or until, until)

    def _due_ids(self, limit: int) -> list[str]:
        now = self._clock()
        return self._store.due_ids(now=now, stale_before=now, limit=limit)
