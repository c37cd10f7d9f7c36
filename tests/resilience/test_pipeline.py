"""ResiliencePipeline: one retry layer over the guard, with injected sleep and jitter.

`send` here stands for one HTTP attempt (the transport's job); the HTTP-level behaviour against the
emulator is in tests/clients. Redis is real.
"""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.core.errors import (
    APIConnectionError,
    APITimeoutError,
    CircuitOpenError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from verenigingen.verenigingen_payments.core.resilience import (
    BreakerStateChanged,
    CallGuard,
    LimiterWaited,
    RequestFinished,
    ResiliencePipeline,
    RetryBudget,
    RetryPolicy,
    RetryScheduled,
)

from .conftest import settings

POLICY = RetryPolicy(max_attempts=3, backoff_base=1.0, backoff_cap=8.0)
FAST = settings(rate_per_second=1000, burst=1000, failure_threshold=3)


class Script:
    """Answers attempts from a list: an exception is raised, anything else returned."""

    def __init__(self, *outcomes) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


@pytest.fixture
def make_pipeline(redis_url, redis_prefix, clock, recorder):
    sleeps: list[float] = []

    def make(budget=None):
        guard = CallGuard(
            "acct",
            "api.example:443",
            redis_url,
            redis_prefix,
            clock=clock,
            wall_clock=clock,
            registry=recorder.registry,
        )
        pipeline = ResiliencePipeline(
            guard,
            budget=budget,
            registry=recorder.registry,
            sleep=sleeps.append,
            rand=lambda: 0.5,
            clock=clock,
        )
        pipeline.sleeps = sleeps
        return pipeline

    return make


def run(pipeline, send, method="GET", idempotent_write=False, limits=FAST):
    return pipeline.execute(
        send,
        method=method,
        endpoint="/v2/payments/{id}",
        idempotent_write=idempotent_write,
        policy=POLICY,
        limits=limits,
    )


def test_get_is_retried_after_two_502s_with_jittered_backoff(make_pipeline, recorder):
    pipeline = make_pipeline()
    send = Script(ServerError(status=502), ServerError(status=502), "ok")
    assert run(pipeline, send) == "ok"
    assert send.calls == 3
    assert pipeline.sleeps == [0.5, 1.0]
    assert [e.reason for e in recorder.of(RetryScheduled)] == ["5xx", "5xx"]
    assert [e.status_class for e in recorder.of(RequestFinished)] == ["5xx", "5xx", "2xx"]
    assert {e.endpoint for e in recorder.of(RequestFinished)} == {"/v2/payments/{id}"}


def test_429_waits_what_retry_after_asks(make_pipeline):
    pipeline = make_pipeline()
    send = Script(RateLimitError(status=429, retry_after=7), "ok")
    assert run(pipeline, send, method="POST", idempotent_write=True) == "ok"
    assert pipeline.sleeps == [7.0]


def test_write_without_idempotency_key_is_not_retried_after_it_may_have_arrived(make_pipeline):
    pipeline = make_pipeline()
    send = Script(APITimeoutError(sent=True), "ok")
    with pytest.raises(APITimeoutError):
        run(pipeline, send, method="POST", idempotent_write=False)
    assert send.calls == 1


def test_write_refused_before_sending_is_retried_even_without_a_key(make_pipeline):
    pipeline = make_pipeline()
    send = Script(APIConnectionError(sent=False), "ok")
    assert run(pipeline, send, method="POST", idempotent_write=False) == "ok"


def test_attempts_are_capped_and_the_last_error_is_raised(make_pipeline):
    pipeline = make_pipeline()
    send = Script(*[ServerError(status=500, detail=f"try {i}") for i in range(5)])
    with pytest.raises(ServerError, match="try 2"):
        run(pipeline, send)
    assert send.calls == 3


def test_business_errors_are_neither_retried_nor_counted_by_the_breaker(make_pipeline, recorder):
    pipeline = make_pipeline()
    for _ in range(5):
        with pytest.raises(ValidationError):
            run(pipeline, Script(ValidationError(status=422, field="amount")))
    assert run(pipeline, Script("ok")) == "ok"
    assert recorder.of(BreakerStateChanged) == []


def test_server_errors_open_the_breaker_and_then_calls_fail_fast_without_sending(make_pipeline):
    pipeline = make_pipeline()
    with pytest.raises(ServerError):
        run(pipeline, Script(*[ServerError(status=503)] * 3))
    send = Script("ok")
    with pytest.raises(CircuitOpenError):
        run(pipeline, send)
    assert send.calls == 0


def test_retry_budget_stops_retries_when_the_api_is_dead(make_pipeline):
    pipeline = make_pipeline(budget=RetryBudget(ratio=0.0, min_retries=1))
    limits = settings(rate_per_second=1000, burst=1000, failure_threshold=100)
    first = Script(ServerError(status=500), ServerError(status=500), ServerError(status=500))
    with pytest.raises(ServerError):
        run(pipeline, first, limits=limits)
    assert first.calls == 2  # the one retry in the budget
    second = Script(ServerError(status=500), "ok")
    with pytest.raises(ServerError):
        run(pipeline, second, limits=limits)
    assert second.calls == 1


def test_limiter_wait_is_slept_and_reported(make_pipeline, recorder):
    pipeline = make_pipeline()
    limits = settings(rate_per_second=10, burst=1)
    run(pipeline, Script("a"), limits=limits)
    run(pipeline, Script("b"), limits=limits)
    assert pipeline.sleeps == [pytest.approx(0.1)]
    assert [e.shared for e in recorder.of(LimiterWaited)] == [True]


def test_a_failing_listener_never_breaks_the_call(make_pipeline, recorder):
    class Broken:
        def request_finished(self, event):
            raise RuntimeError("metrics backend down")

    pipeline = make_pipeline()
    recorder.registry.add(Broken())
    assert run(pipeline, Script("ok")) == "ok"
