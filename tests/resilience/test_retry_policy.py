"""RetryPolicy: which failures are retried for which methods, and how long to wait."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from verenigingen.verenigingen_payments.core.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    CircuitOpenError,
    IdempotencyError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from verenigingen.verenigingen_payments.core.resilience import RetryPolicy, parse_retry_after

POLICY = RetryPolicy(max_attempts=4, backoff_base=0.5, backoff_cap=4.0, retry_after_cap=10.0)


@pytest.mark.parametrize(
    "error,get,write_with_key,write_without_key",
    [
        (ServerError(status=502), "5xx", "5xx", None),
        (RateLimitError(status=429), "429", "429", "429"),
        (RateLimitError("local limiter"), None, None, None),
        (APITimeoutError(sent=True), "timeout", "timeout", None),
        (APITimeoutError(sent=False), "timeout", "timeout", "timeout"),
        (APIConnectionError(sent=True), "connection", "connection", None),
        (APIConnectionError(sent=False), "connection", "connection", "connection"),
        (ValidationError(status=422), None, None, None),
        (NotFoundError(status=404), None, None, None),
        (AuthenticationError(status=401), None, None, None),
        (IdempotencyError(status=409), None, "409", None),
        (IdempotencyError(status=400, field="Idempotency-Key"), None, None, None),
        (CircuitOpenError(), None, None, None),
    ],
)
def test_retry_reason_by_error_and_method(error, get, write_with_key, write_without_key):
    assert POLICY.retry_reason("GET", error, idempotent_write=False) == get
    assert POLICY.retry_reason("POST", error, idempotent_write=True) == write_with_key
    assert POLICY.retry_reason("POST", error, idempotent_write=False) == write_without_key


def test_backoff_is_full_jitter_exponential_and_capped():
    assert POLICY.sleep_seconds(1, ServerError(status=500), rand=lambda: 1.0) == 0.5
    assert POLICY.sleep_seconds(3, ServerError(status=500), rand=lambda: 1.0) == 2.0
    assert POLICY.sleep_seconds(10, ServerError(status=500), rand=lambda: 1.0) == 4.0
    assert POLICY.sleep_seconds(3, ServerError(status=500), rand=lambda: 0.25) == 0.5
    assert POLICY.sleep_seconds(3, ServerError(status=500), rand=lambda: 0.0) == 0.0


def test_retry_after_is_honoured_on_429_and_503_and_capped():
    assert POLICY.sleep_seconds(1, RateLimitError(status=429, retry_after=3), rand=lambda: 0.0) == 3.0
    assert POLICY.sleep_seconds(1, ServerError(status=503, retry_after=3), rand=lambda: 0.0) == 3.0
    assert POLICY.sleep_seconds(1, RateLimitError(status=429, retry_after=3600), rand=lambda: 0.0) == 10.0
    # a 502's Retry-After is not a promise; the backoff applies
    assert POLICY.sleep_seconds(1, ServerError(status=502, retry_after=3), rand=lambda: 0.0) == 0.0


def test_retry_after_parses_seconds_and_http_dates():
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp()
    assert parse_retry_after("7") == 7.0
    later = format_datetime(datetime(2026, 1, 1, 12, 0, 30, tzinfo=timezone.utc), usegmt=True)
    assert parse_retry_after(later, now=lambda: now) == 30.0
    earlier = format_datetime(datetime(2026, 1, 1, 11, 0, 0, tzinfo=timezone.utc), usegmt=True)
    assert parse_retry_after(earlier, now=lambda: now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_policy_is_an_immutable_value():
    with pytest.raises(AttributeError):
        POLICY.max_attempts = 10
