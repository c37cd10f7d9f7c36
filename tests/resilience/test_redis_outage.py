"""Redis stopped mid-run: calls keep flowing on per-process state, the log says so once, and recovers."""

from __future__ import annotations

import logging

from verenigingen.verenigingen_payments.core.resilience import CallGuard

from .conftest import FakeClock, ThrowawayRedis, settings


def test_guard_falls_back_to_per_process_state_and_returns_to_redis(throwaway_redis: ThrowawayRedis, caplog):
    clock = FakeClock()
    guard = CallGuard(
        "acct", "api.example:443", throwaway_redis.url, "vtest:outage:", clock=clock, redis_recheck_seconds=5
    )
    limits = settings(rate_per_second=1000, burst=1000)
    caplog.set_level(logging.WARNING, logger="verenigingen.verenigingen_payments.core.resilience.guard")

    guard.record_success(guard.admit(limits), limits)
    assert guard.shared

    throwaway_redis.stop()
    for _ in range(5):
        guard.record_success(guard.admit(limits), limits)
        clock.advance(0.5)
    assert not guard.shared
    outage_lines = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outage_lines) == 1
    assert "per-process" in outage_lines[0].getMessage()

    throwaway_redis.start()  # same port
    clock.advance(5)
    guard.record_success(guard.admit(limits), limits)
    assert guard.shared
    assert len([r for r in caplog.records if "is back" in r.getMessage()]) == 1


def test_breaker_still_protects_while_redis_is_down(throwaway_redis: ThrowawayRedis):
    import pytest

    from verenigingen.verenigingen_payments.core.errors import CircuitOpenError

    guard = CallGuard("acct", "api.example:443", throwaway_redis.url, "vtest:outage2:", clock=FakeClock())
    throwaway_redis.stop()
    limits = settings(failure_threshold=2, rate_per_second=1000, burst=1000)
    guard.admit(limits)
    guard.record_failure(limits)
    guard.record_failure(limits)
    with pytest.raises(CircuitOpenError):
        guard.admit(limits)
