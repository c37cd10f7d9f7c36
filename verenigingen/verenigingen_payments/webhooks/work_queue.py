"""Where logged deliveries wait for processing.

`WebhookQueue` is the seam: outside Frappe `InProcessWorkQueue` runs a small thread pool in the
web process; inside Frappe an adapter calls `frappe.enqueue(<its job>, queue=QUEUE_NAME, log_id=…,
job_id=f"mollie-webhook-{log_id}", deduplicate=True)` and returns None (it cannot be waited on). Nothing is lost if the queue is: the row is
already committed, and the retry job picks up rows nobody processed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from ..store.webhook_log import WebhookStatus

logger = logging.getLogger(__name__)

QUEUE_NAME = "mollie_webhooks"


class WebhookQueue(Protocol):
    def submit(self, log_id: str) -> Future | None:
        """Schedule processing of the row; a Future of its final status if the caller may wait."""
        ...


class InProcessWorkQueue:
    """A thread pool that processes each submitted row once at a time (duplicates are coalesced)."""

    def __init__(self, process: Callable[[str], WebhookStatus | None], *, workers: int = 4) -> None:
        self._process = process
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mollie-webhook")
        self._in_flight: dict[str, Future] = {}
        self._lock = threading.Lock()

    def submit(self, log_id: str) -> Future:
        with self._lock:
            existing = self._in_flight.get(log_id)
            if existing is not None:
                return existing
            future = self._executor.submit(self._run, log_id)
            self._in_flight[log_id] = future
            return future

    def pending(self) -> int:
        with self._lock:
            return len(self._in_flight)

    def _run(self, log_id: str) -> WebhookStatus | None:
        try:
            return self._process(log_id)
        except Exception:  # the row stays claimable; the retry job will find it
            logger.exception("processing webhook %s crashed", log_id)
            return None
        finally:
            with self._lock:
                self._in_flight.pop(log_id, None)

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait, cancel_futures=not wait)


class NullQueue:
    """Queues nothing: rows wait for the retry job (a web process without workers, or a crash test)."""

    def submit(self, log_id: str) -> None:
        return None
