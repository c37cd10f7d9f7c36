"""The one resilience pipeline every Mollie call goes through: admit → wait → send → record → retry.

Retrying is tenacity's (stop / wait / retry are values; `sleep` is injected so tests are instant);
the decisions themselves are `RetryPolicy`'s two small methods. Each attempt passes the shared
breaker and limiter, so a retry storm is rate limited and counted like any other call.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

import tenacity

from ..errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    CircuitOpenError,
    RateLimitError,
    ServerError,
)
from .events import LimiterWaited, ListenerRegistry, RequestFinished, RetryScheduled, status_class
from .events import listeners as default_listeners
from .guard import CallGuard
from .guard_state import GuardSettings
from .retry_budget import RetryBudget
from .retry_policy import RetryPolicy

T = TypeVar("T")


def outcome_class(error: BaseException | None, status: int | None = None) -> str:
    """Bounded label of one attempt's outcome."""
    if error is None:
        return status_class(status or 200)
    if isinstance(error, APITimeoutError):
        return "timeout"
    if isinstance(error, APIConnectionError):
        return "connection"
    if isinstance(error, CircuitOpenError):
        return "circuit_open"
    if isinstance(error, APIError) and error.status:
        return status_class(error.status)
    return "error"


def counts_against_breaker(error: BaseException) -> bool:
    """Only signs of an unhealthy API open the breaker; 4xx business errors never do."""
    return isinstance(error, (ServerError, APIConnectionError))


class ResiliencePipeline:
    def __init__(
        self,
        guard: CallGuard,
        *,
        budget: RetryBudget | None = None,
        registry: ListenerRegistry | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.guard = guard
        self.budget = budget or RetryBudget()
        self.registry = registry or default_listeners
        self.sleep = sleep
        self.rand = rand
        self.clock = clock

    def execute(
        self,
        send: Callable[[], T],
        *,
        method: str,
        endpoint: str,
        idempotent_write: bool,
        policy: RetryPolicy,
        limits: GuardSettings,
    ) -> T:
        """Run `send` (one HTTP attempt raising typed errors) under the breaker, limiter and retries."""
        account = self.guard.account
        self.budget.record_request()
        attempts = [0]

        def attempt() -> T:
            attempts[0] += 1
            admission = self.guard.admit(limits)
            if admission.wait_seconds > 0:
                self.registry.emit(
                    "limiter_waited", LimiterWaited(account, admission.wait_seconds, self.guard.shared)
                )
                self.sleep(admission.wait_seconds)
            started = self.clock()
            try:
                result = send()
            except BaseException as exc:
                self._finished(method, endpoint, attempts[0], exc, started)
                if counts_against_breaker(exc):
                    self.guard.record_failure(limits)
                elif not isinstance(exc, RateLimitError):
                    self.guard.record_success(admission, limits)
                raise
            self._finished(method, endpoint, attempts[0], None, started, getattr(result, "status_code", 200))
            self.guard.record_success(admission, limits)
            return result

        def should_retry(exc: BaseException) -> bool:
            return policy.retry_reason(method, exc, idempotent_write) is not None and self.budget.try_spend()

        def wait(state: tenacity.RetryCallState) -> float:
            return policy.sleep_seconds(state.attempt_number, state.outcome.exception(), self.rand)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception()
            self.registry.emit(
                "retry_scheduled",
                RetryScheduled(
                    account,
                    method,
                    endpoint,
                    policy.retry_reason(method, exc, idempotent_write) or "",
                    state.attempt_number,
                    state.next_action.sleep if state.next_action else 0.0,
                ),
            )

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(max(1, policy.max_attempts)),
            wait=wait,
            retry=tenacity.retry_if_exception(should_retry),
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        return retrying(attempt)

    def _finished(
        self, method: str, endpoint: str, attempt: int, error, started: float, status: int | None = None
    ) -> None:
        self.registry.emit(
            "request_finished",
            RequestFinished(
                self.guard.account,
                method,
                endpoint,
                outcome_class(error, status),
                self.clock() - started,
                attempt,
            ),
        )
