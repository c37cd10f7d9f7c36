"""Helpers for the resilience tests: injectable clocks, settings, a throwaway redis-server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from verenigingen.verenigingen_payments.core.resilience import (
    GuardSettings,
    ListenerRegistry,
    PipelineListener,
)


class FakeClock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Recorder(PipelineListener):
    def __init__(self) -> None:
        self.events: list[object] = []

    def request_finished(self, event):
        self.events.append(event)

    def retry_scheduled(self, event):
        self.events.append(event)

    def limiter_waited(self, event):
        self.events.append(event)

    def breaker_state_changed(self, event):
        self.events.append(event)

    def of(self, kind):
        return [e for e in self.events if isinstance(e, kind)]


def settings(**changes) -> GuardSettings:
    base = {
        "rate_per_second": 10.0,
        "burst": 2.0,
        "max_wait": 5.0,
        "failure_threshold": 3,
        "open_seconds": 30.0,
        "probe_lease": 10.0,
    }
    return GuardSettings(**{**base, **changes})


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def recorder():
    registry = ListenerRegistry()
    rec = Recorder()
    registry.add(rec)
    rec.registry = registry
    return rec


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of our own on a free port, so a test may stop it (never the shared 6379)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail(
                "redis-server is not installed; the Redis-outage test needs its own server", pytrace=False
            )
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        pytest.fail("throwaway redis-server did not start", pytrace=False)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def throwaway_redis():
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()
