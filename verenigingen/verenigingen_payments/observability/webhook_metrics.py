"""Webhook metrics by composition: wrap the webhook log store (and the ingest service for the one
refusal that is never logged), so the webhooks package needs no edit.

    store = InstrumentedWebhookLogStore(WebhookLogStore.from_url(url))
    runtime = build_runtime(store=store, ...)
    app = WebhookApp(InstrumentedIngest(runtime.ingest))

Every delivery becomes a row through `record` (received/duplicate/ignored/rejected with its reason)
and every processing ends in `finish`, `finish_with_effect` or `fail`; the lag is measured from the
row's `received_at` (known from `claim`) to the end of processing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timezone

from . import metrics

_PENDING_STATUSES = ("received", "failed", "processing")


def _status_text(status) -> str:
    return getattr(status, "value", status) or ""


class InstrumentedWebhookLogStore:
    def __init__(self, store, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self._store = store
        self._clock = clock
        self._received_at: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def __getattr__(self, name):
        return getattr(self._store, name)

    def record(self, entry):
        row = self._store.record(entry)
        status = _status_text(entry.status)
        if status == "rejected":
            metrics.WEBHOOKS_REJECTED.labels(entry.rejection_reason or "unknown").inc()
        elif status in ("received", "duplicate"):
            metrics.WEBHOOKS_RECEIVED.labels(entry.source or "unknown").inc()
        return row

    def claim(self, log_id: str, **kwargs):
        record = self._store.claim(log_id, **kwargs)
        if record is not None:
            with self._lock:
                self._received_at[log_id] = record.received_at
        return record

    def _observe_end(self, log_id: str) -> None:
        with self._lock:
            received_at = self._received_at.pop(log_id, None)
        if received_at is not None:
            metrics.WEBHOOK_LAG.observe(max(0.0, (self._clock() - received_at).total_seconds()))

    def finish(self, log_id: str, status, **kwargs):
        result = self._store.finish(log_id, status, **kwargs)
        metrics.WEBHOOKS_PROCESSED.labels(_status_text(status)).inc()
        self._observe_end(log_id)
        return result

    def finish_with_effect(self, log_id: str, effect_key: str, **kwargs):
        result = self._store.finish_with_effect(log_id, effect_key, **kwargs)
        metrics.WEBHOOKS_PROCESSED.labels(_status_text(result) or "processed").inc()
        self._observe_end(log_id)
        return result

    def fail(self, log_id: str, *, next_attempt_at=None, **kwargs):
        result = self._store.fail(log_id, next_attempt_at=next_attempt_at, **kwargs)
        metrics.WEBHOOKS_FAILED.labels("false" if next_attempt_at is not None else "true").inc()
        with self._lock:
            self._received_at.pop(log_id, None)
        return result

    def postpone(self, log_id: str, **kwargs):
        result = self._store.postpone(log_id, **kwargs)
        with self._lock:
            self._received_at.pop(log_id, None)
        return result


class InstrumentedIngest:
    """Counts the refusals the ingest service answers without logging a row (rate limited)."""

    def __init__(self, service) -> None:
        self._service = service

    def __getattr__(self, name):
        return getattr(self._service, name)

    def ingest(self, delivery):
        response = self._service.ingest(delivery)
        if response.http_status == 429:
            metrics.WEBHOOKS_REJECTED.labels("rate_limited").inc()
        return response


def record_webhook_queue_depth(counts_by_status: dict[str, int]) -> int:
    """Set the queue-depth gauge from a store's `count_by_status()`; returns the depth."""
    depth = sum(int(counts_by_status.get(status, 0)) for status in _PENDING_STATUSES)
    metrics.WEBHOOK_QUEUE_DEPTH.set(depth)
    return depth


def record_webhook_backlog(store, now: datetime) -> tuple[int, float]:
    """Set the queue-depth and oldest-pending-age gauges from a webhook log store; returns both."""
    depth = record_webhook_queue_depth(store.count_by_status())
    oldest = store.oldest_pending_received_at()
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    metrics.WEBHOOK_OLDEST_PENDING_AGE.set(age)
    return depth, age
