"""The breaker and the limiter are shared by separate processes through the real Redis."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from verenigingen.verenigingen_payments.core.errors import CircuitOpenError
from verenigingen.verenigingen_payments.core.resilience import CallGuard

from .conftest import settings

BREAKER = settings(failure_threshold=3, open_seconds=60, rate_per_second=1000, burst=1000)
_child: dict = {}


def _guard(redis_url: str, prefix: str, offset_box: list) -> CallGuard:
    return CallGuard(
        "acct", "api.example:443", redis_url, prefix, wall_clock=lambda: time.time() + offset_box[0]
    )


def _child_setup(redis_url: str, prefix: str) -> None:
    _child["offset"] = [0.0]
    _child["guard"] = _guard(redis_url, prefix, _child["offset"])


def _child_step(step: str, offset: float) -> str:
    _child["offset"][0] = offset
    guard: CallGuard = _child["guard"]
    try:
        if step == "fail":
            guard.admit(BREAKER)
            guard.record_failure(BREAKER)
            return "failed"
        if step == "succeed":
            guard.record_success(guard.admit(BREAKER), BREAKER)
            return "succeeded"
    except CircuitOpenError:
        return "short-circuited"
    raise ValueError(step)


def test_breaker_opens_short_circuits_half_opens_and_closes_across_two_processes(redis_url, redis_prefix):
    offset = [0.0]
    here = _guard(redis_url, redis_prefix, offset)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1, initializer=_child_setup, initargs=(redis_url, redis_prefix)) as other:
        assert [other.apply(_child_step, ("fail", 0.0)) for _ in range(3)] == ["failed"] * 3
        with pytest.raises(CircuitOpenError):  # opened by the other process
            here.admit(BREAKER)
        offset[0] = 60.0
        probe = here.admit(BREAKER)  # timeout elapsed: this process takes the half-open probe
        assert probe.state == "half_open"
        assert other.apply(_child_step, ("succeed", 60.0)) == "short-circuited"
        here.record_success(probe, BREAKER)
        assert other.apply(_child_step, ("succeed", 60.0)) == "succeeded"
        assert here.admit(BREAKER).state == "closed"


def _hammer(redis_url: str, prefix: str, count: int, rate: float, burst: float, out) -> None:
    last_now = [0.0]

    def wall_clock() -> float:  # remember the "now" the bucket decided with
        last_now[0] = time.time()
        return last_now[0]

    guard = CallGuard("acct", "api.example:443", redis_url, prefix, wall_clock=wall_clock)
    limits = settings(rate_per_second=rate, burst=burst, max_wait=30)
    grants = []
    for _ in range(count):
        admission = guard.admit(limits)
        grants.append(last_now[0] + admission.wait_seconds)
        time.sleep(admission.wait_seconds)
    out.put(grants)


def test_limiter_holds_the_rate_across_four_processes(redis_url, redis_prefix):
    rate, burst, per_process = 100.0, 5.0, 40
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_hammer, args=(redis_url, redis_prefix, per_process, rate, burst, out))
        for _ in range(4)
    ]
    for p in procs:
        p.start()
    grants = sorted(t for _ in procs for t in out.get(timeout=60))
    for p in procs:
        p.join(timeout=30)
    assert len(grants) == 4 * per_process
    # in no one-second window are more than rate + burst calls let through
    j = 0
    for i, start in enumerate(grants):
        while grants[j] <= start - 1.0 + 1e-3:  # bucket times are stored to 0.1 ms
            j += 1
        assert i - j + 1 <= rate + burst + 1e-9
    # and the calls were spread at the rate, not all at once
    assert grants[-1] - grants[0] >= (len(grants) - burst) / rate - 0.05
