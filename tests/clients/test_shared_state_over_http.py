"""Breaker and limiter shared by separate processes calling the emulator through the real Redis."""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
import uuid
from dataclasses import replace

import pytest
import redis

from verenigingen.verenigingen_payments.clients import MollieConfig, PaymentsClient
from verenigingen.verenigingen_payments.core.errors import CircuitOpenError, ServerError
from verenigingen.verenigingen_payments.core.resilience import CallGuard, ResiliencePipeline

from ..resilience.conftest import FakeClock, ThrowawayRedis

_child: dict = {}


def shifted_client(config: MollieConfig, offset) -> PaymentsClient:
    """A client whose breaker/limiter clock is the wall clock plus a shared, test-controlled offset."""
    host = config.base_url.split("//", 1)[1].split("/", 1)[0]
    guard = CallGuard(
        config.account,
        host,
        config.redis_url,
        config.redis_key_prefix,
        wall_clock=lambda: time.time() + offset.value,
    )
    return PaymentsClient(config, pipeline=ResiliencePipeline(guard, sleep=lambda s: None))


def _child_init(config: MollieConfig, offset) -> None:
    _child["client"] = shifted_client(config, offset)


def _child_get(payment_id: str) -> str:
    try:
        _child["client"].get_payment(payment_id)
        return "ok"
    except CircuitOpenError:
        return "short-circuited"
    except ServerError:
        return "server-error"


def breaker_state(config: MollieConfig) -> str | None:
    client = redis.Redis.from_url(config.redis_url)
    keys = list(client.scan_iter(match=f"{config.redis_key_prefix}mollie:{config.account}:breaker:*"))
    return client.hget(keys[0], "state").decode() if keys else None


def test_breaker_opens_short_circuits_half_opens_and_closes_across_two_processes(config, emulator):
    config = replace(
        config,
        account=f"two-proc-{uuid.uuid4().hex[:6]}",
        retry_max_attempts=1,
        circuit_breaker_failure_threshold=2,
        circuit_breaker_timeout=60,
    )
    payment_id = PaymentsClient(config).list_payments(max_items=1)[0].id
    ctx = multiprocessing.get_context("fork")
    offset = ctx.Value("d", 0.0)
    here = shifted_client(config, offset)
    with ctx.Pool(1, initializer=_child_init, initargs=(config, offset)) as other:
        emulator.control.inject_fault(method="GET", path="/v2/payments/*", status=502, count=2)
        assert [other.apply(_child_get, (payment_id,)) for _ in range(2)] == ["server-error"] * 2
        emulator.control.clear_request_log()
        with pytest.raises(CircuitOpenError):  # opened by the other process: no request leaves this one
            here.get_payment(payment_id)
        assert emulator.control.request_log() == []

        offset.value = 60.0  # the breaker timeout has passed, for both processes
        emulator.control.inject_fault(method="GET", path="/v2/payments/*", delay=1.0, count=1)
        probe = threading.Thread(target=here.get_payment, args=(payment_id,))
        probe.start()  # this process's slow request is the half-open probe
        deadline = time.monotonic() + 5
        while breaker_state(config) != "half_open" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert other.apply(_child_get, (payment_id,)) == "short-circuited"
        probe.join(timeout=10)
        assert breaker_state(config) == "closed"
        assert other.apply(_child_get, (payment_id,)) == "ok"


def _hammer_http(config: MollieConfig, payment_id: str, count: int) -> None:
    client = PaymentsClient(config)
    for _ in range(count):
        client.get_payment(payment_id)


def test_limiter_holds_the_rate_across_four_processes_over_http(config, emulator):
    rate, burst, per_process = 20.0, 1.0, 12
    config = replace(
        config,
        account=f"rate-{uuid.uuid4().hex[:6]}",
        rate_limit_requests_per_second=rate,
        rate_limit_burst=burst,
    )
    payment_id = PaymentsClient(config).list_payments(max_items=1)[0].id
    time.sleep(1.0 / rate)
    emulator.control.clear_request_log()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_hammer_http, args=(config, payment_id, per_process)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    arrivals = sorted(r["time"] for r in emulator.control.request_log())
    assert len(arrivals) == 4 * per_process
    j, busiest = 0, 0
    for i, t in enumerate(arrivals):
        while arrivals[j] <= t - 1.0:
            j += 1
        busiest = max(busiest, i - j + 1)
    # Slots are exact (tests/resilience); here arrivals are seen by the server, and a process
    # descheduled on a loaded machine can bunch a few of them, so allow that jitter.
    span = arrivals[-1] - arrivals[0]
    assert busiest <= rate + burst + 3, f"{busiest} requests arrived within one second"
    assert span >= (len(arrivals) - burst) / rate * 0.9, f"{len(arrivals)} requests in {span:.2f}s"


@pytest.fixture
def throwaway_redis():
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()


def test_client_keeps_working_when_redis_stops_mid_run_and_recovers(
    config, emulator, throwaway_redis, caplog
):
    config = replace(config, redis_url=throwaway_redis.url, account=f"outage-{uuid.uuid4().hex[:6]}")
    clock = FakeClock()
    host = config.base_url.split("//", 1)[1].split("/", 1)[0]
    guard = CallGuard(config.account, host, config.redis_url, config.redis_key_prefix, clock=clock)
    client = PaymentsClient(config, pipeline=ResiliencePipeline(guard, sleep=lambda s: None))
    caplog.set_level(logging.WARNING, logger="verenigingen.verenigingen_payments.core.resilience.guard")
    ids = [p.id for p in client.list_payments(max_items=3)]
    assert guard.shared

    throwaway_redis.stop()
    assert [client.get_payment(i).id for i in ids] == ids
    assert not guard.shared
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1

    throwaway_redis.start()
    clock.advance(10)
    assert client.get_payment(ids[0]).id == ids[0]
    assert guard.shared
    assert any("is back" in r.getMessage() for r in caplog.records)
