"""Prometheus metrics of every Mollie call, fed by the resilience pipeline's listener hook.

`install_pipeline_metrics()` is idempotent and cheap; call it once per process (the Frappe layer does
it on import of the operations API and in `boot`; scripts call it themselves).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..core.resilience import events
from ..core.resilience.events import (
    BreakerStateChanged,
    LimiterWaited,
    PipelineListener,
    RequestFinished,
    RetryScheduled,
)
from . import metrics

BREAKER_STATE_VALUES = {"closed": 0, "open": 1, "half_open": 2}


class PrometheusPipelineListener(PipelineListener):
    def __init__(self, wall_clock: Callable[[], float] = time.time) -> None:
        self._wall_clock = wall_clock

    def request_finished(self, event: RequestFinished) -> None:
        metrics.API_REQUESTS.labels(event.account, event.method, event.endpoint, event.status_class).inc()
        metrics.API_REQUEST_DURATION.labels(event.account, event.method, event.endpoint).observe(
            event.latency_seconds
        )
        if event.status_class == "2xx":
            metrics.API_LAST_SUCCESS.labels(event.account).set(self._wall_clock())

    def retry_scheduled(self, event: RetryScheduled) -> None:
        metrics.API_RETRIES.labels(event.account, event.endpoint, event.reason or "other").inc()

    def limiter_waited(self, event: LimiterWaited) -> None:
        metrics.RATE_LIMITER_WAITS.labels(event.account, "true" if event.shared else "false").inc()
        metrics.RATE_LIMITER_WAIT.labels(event.account).observe(event.wait_seconds)

    def breaker_state_changed(self, event: BreakerStateChanged) -> None:
        metrics.BREAKER_TRANSITIONS.labels(event.account, event.host, event.old_state, event.new_state).inc()
        metrics.BREAKER_STATE.labels(event.account, event.host).set(BREAKER_STATE_VALUES.get(event.new_state, 1))


_installed: PrometheusPipelineListener | None = None


def install_pipeline_metrics() -> PrometheusPipelineListener:
    """Subscribe the Prometheus listener to the process-wide pipeline registry (once)."""
    global _installed
    if _installed is None:
        _installed = PrometheusPipelineListener()
        events.add_listener(_installed)
    return _installed
