"""Wiring of the webhook pieces for a process outside Frappe (tests, benchmarks, the demo server).

Inside Frappe the same classes are wired by the Frappe layer: its DocType-backed store, a
`frappe.enqueue` queue, and the scheduler calling `recovery.run_due()` every minute.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from ..core.security.encryption import FieldCipher
from ..store.webhook_log import WebhookLogStore
from .handlers import HandlerRegistry
from .ingest import WebhookIngestService
from .processing import GaveUpHook, ResourceFetcher, ResourceLocks, WebhookProcessor, _log_gave_up
from .rate_limit import ClientRateLimiter
from .recovery import WebhookRecovery
from .retry_policy import RetryPolicy
from .settings import SecretsSource, WebhookSettings
from .work_queue import InProcessWorkQueue, WebhookQueue

logger = logging.getLogger(__name__)


@dataclass
class WebhookRuntime:
    store: WebhookLogStore
    registry: HandlerRegistry
    processor: WebhookProcessor
    queue: WebhookQueue
    recovery: WebhookRecovery
    ingest: WebhookIngestService
    _sweeper: RecoveryLoop | None = None

    def start_sweeper(self, interval_seconds: float) -> None:
        """Run the retry job every `interval_seconds` in a daemon thread (the cron job outside Frappe)."""
        self._sweeper = RecoveryLoop(self.recovery, interval_seconds)
        self._sweeper.start()

    def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.stop()
        shutdown = getattr(self.queue, "shutdown", None)
        if shutdown is not None:
            shutdown(wait=True)


def build_runtime(
    *,
    store: WebhookLogStore,
    fetcher: ResourceFetcher,
    secrets: SecretsSource,
    locks: ResourceLocks,
    registry: HandlerRegistry | None = None,
    settings: WebhookSettings | None = None,
    retry_policy: RetryPolicy | None = None,
    rate_limiter: ClientRateLimiter | None = None,
    cipher: FieldCipher | None = None,
    on_gave_up: GaveUpHook = _log_gave_up,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    workers: int = 4,
    queue: WebhookQueue | None = None,
) -> WebhookRuntime:
    settings = settings or WebhookSettings()
    registry = registry or HandlerRegistry()
    processor = WebhookProcessor(
        store, fetcher, registry, locks,
        retry_policy=retry_policy, lease=settings.lease, clock=clock, on_gave_up=on_gave_up,
    )
    queue = queue if queue is not None else InProcessWorkQueue(processor.process, workers=workers)
    recovery = WebhookRecovery(store, queue, stale_after=settings.stale_after, clock=clock)
    ingest = WebhookIngestService(
        store, queue, secrets,
        settings=settings, rate_limiter=rate_limiter, cipher=cipher, clock=clock,
    )
    return WebhookRuntime(store, registry, processor, queue, recovery, ingest)


class RecoveryLoop:
    def __init__(self, recovery: WebhookRecovery, interval_seconds: float) -> None:
        self._recovery = recovery
        self._interval = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mollie-webhook-recovery", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._recovery.run_due()
            except Exception:  # a database hiccup must not end the loop
                logger.exception("webhook retry sweep failed")
