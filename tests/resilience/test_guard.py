"""CallGuard on the real Redis: breaker states, the token bucket, and state shared between guards."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.core.errors import CircuitOpenError, RateLimitError
from verenigingen.verenigingen_payments.core.resilience import BreakerStateChanged, CallGuard

from .conftest import settings


def make_guard(redis_url, redis_prefix, clock, recorder=None, account="acct"):
    return CallGuard(
        account,
        "api.example:443",
        redis_url,
        redis_prefix,
        clock=clock,
        wall_clock=clock,
        registry=getattr(recorder, "registry", None),
    )


def test_breaker_opens_at_threshold_short_circuits_then_half_opens_and_closes(
    redis_url, redis_prefix, clock, recorder
):
    guard = make_guard(redis_url, redis_prefix, clock, recorder)
    s = settings(failure_threshold=3, open_seconds=30, rate_per_second=1000, burst=1000)
    for _ in range(3):
        guard.admit(s)
        guard.record_failure(s)
    with pytest.raises(CircuitOpenError) as info:
        guard.admit(s)
    assert info.value.retry_after == pytest.approx(30)
    clock.advance(30)
    probe = guard.admit(s)  # the one half-open probe
    assert probe.state == "half_open"
    with pytest.raises(CircuitOpenError):
        guard.admit(s)  # others wait while the probe is out
    guard.record_success(probe, s)
    assert guard.admit(s).state == "closed"
    changes = [(e.old_state, e.new_state) for e in recorder.of(BreakerStateChanged)]
    assert changes == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]


def test_failed_probe_reopens_for_a_full_timeout(redis_url, redis_prefix, clock):
    guard = make_guard(redis_url, redis_prefix, clock)
    s = settings(failure_threshold=1, open_seconds=10, rate_per_second=1000, burst=1000)
    guard.admit(s)
    guard.record_failure(s)
    clock.advance(10)
    guard.admit(s)
    guard.record_failure(s)
    clock.advance(9)
    with pytest.raises(CircuitOpenError):
        guard.admit(s)
    clock.advance(1)
    assert guard.admit(s).state == "half_open"


def test_a_success_resets_consecutive_failures(redis_url, redis_prefix, clock):
    guard = make_guard(redis_url, redis_prefix, clock)
    s = settings(failure_threshold=3, rate_per_second=1000, burst=1000)
    for _ in range(2):
        guard.admit(s)
        guard.record_failure(s)
    guard.record_success(guard.admit(s), s)
    for _ in range(2):
        guard.admit(s)
        guard.record_failure(s)
    assert guard.admit(s).state == "closed"


def test_two_guards_share_one_breaker_per_account_and_host(redis_url, redis_prefix, clock):
    first = make_guard(redis_url, redis_prefix, clock)
    second = make_guard(redis_url, redis_prefix, clock)
    other_account = make_guard(redis_url, redis_prefix, clock, account="other")
    s = settings(failure_threshold=2, rate_per_second=1000, burst=1000)
    first.record_failure(s)
    second.record_failure(s)
    with pytest.raises(CircuitOpenError):
        first.admit(s)
    assert other_account.admit(s).state == "closed"


def test_bucket_allows_the_burst_then_reserves_slots_at_the_rate(redis_url, redis_prefix, clock):
    guard = make_guard(redis_url, redis_prefix, clock)
    s = settings(rate_per_second=10, burst=2, max_wait=0.35)
    waits = [guard.admit(s).wait_seconds for _ in range(5)]
    assert waits == pytest.approx([0, 0, 0.1, 0.2, 0.3])
    with pytest.raises(RateLimitError) as info:
        guard.admit(s)
    assert info.value.retry_after == pytest.approx(0.4)
    clock.advance(1.0)
    assert guard.admit(s).wait_seconds == 0


def test_changed_settings_apply_on_the_next_call(redis_url, redis_prefix, clock):
    guard = make_guard(redis_url, redis_prefix, clock)
    guard.admit(settings(failure_threshold=5))
    guard.record_failure(settings(failure_threshold=5))
    guard.record_failure(settings(failure_threshold=2))
    with pytest.raises(CircuitOpenError):
        guard.admit(settings())


def test_success_path_costs_one_redis_round_trip(redis_url, redis_prefix, clock, monkeypatch):
    from verenigingen.verenigingen_payments.core.resilience.guard import redis_client

    guard = make_guard(redis_url, redis_prefix, clock)
    s = settings(rate_per_second=1000, burst=1000)
    guard.record_success(guard.admit(s), s)  # loads the scripts
    client = redis_client(redis_url)
    calls = []
    real = client.execute_command
    monkeypatch.setattr(client, "execute_command", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    for _ in range(20):
        guard.record_success(guard.admit(s), s)
    assert calls == ["EVALSHA"] * 20
    guard.record_failure(s)
    calls.clear()
    guard.record_success(guard.admit(s), s)  # a success after a failure also resets the count
    assert calls == ["EVALSHA", "EVALSHA"]
