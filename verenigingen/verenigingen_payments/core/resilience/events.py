"""Hook points of the resilience pipeline, so metrics (Prometheus, logs) plug in without edits here.

A listener implements any subset of `PipelineListener`'s methods. Labels are bounded: the endpoint
is always a template such as `/v2/payments/{id}`, the status a class such as `2xx`, never a raw id.
A listener that raises is logged and ignored: observing must never break a payment call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RequestFinished:
    account: str
    method: str
    endpoint: str  # template, e.g. "/v2/payments/{id}"
    status_class: str  # "2xx", "4xx", "5xx", "timeout", "connection", "circuit_open"
    latency_seconds: float
    attempt: int


@dataclass(frozen=True, slots=True)
class RetryScheduled:
    account: str
    method: str
    endpoint: str
    reason: str  # "429", "5xx", "timeout", "connection"
    attempt: int
    sleep_seconds: float


@dataclass(frozen=True, slots=True)
class LimiterWaited:
    account: str
    wait_seconds: float
    shared: bool  # False while Redis is down and the per-process limiter stands in


@dataclass(frozen=True, slots=True)
class BreakerStateChanged:
    account: str
    host: str
    old_state: str
    new_state: str


class PipelineListener:
    """Base with no-op methods; override what you need."""

    def request_finished(self, event: RequestFinished) -> None: ...

    def retry_scheduled(self, event: RetryScheduled) -> None: ...

    def limiter_waited(self, event: LimiterWaited) -> None: ...

    def breaker_state_changed(self, event: BreakerStateChanged) -> None: ...


class ListenerRegistry:
    """The listeners of one process; `emit` fans an event out, isolating listener failures."""

    def __init__(self) -> None:
        self._listeners: list[PipelineListener] = []

    def add(self, listener: PipelineListener) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def remove(self, listener: PipelineListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, method_name: str, event: object) -> None:
        for listener in tuple(self._listeners):
            try:
                handler = getattr(listener, method_name, None)
                if handler is not None:
                    handler(event)
            except Exception:
                logger.exception("resilience listener %r failed on %s", listener, method_name)


#: Process-wide registry used by the default pipelines; `add_listener(MyPrometheusListener())`.
listeners = ListenerRegistry()


def add_listener(listener: PipelineListener) -> None:
    listeners.add(listener)


def remove_listener(listener: PipelineListener) -> None:
    listeners.remove(listener)


def status_class(status: int) -> str:
    return f"{status // 100}xx"
