"""Clients against the emulator over HTTP, with the real Redis and an injectable sleep."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.clients import MollieConfig
from verenigingen.verenigingen_payments.core.resilience import CallGuard, ListenerRegistry, ResiliencePipeline


def emulator_config(emu, redis_url, redis_prefix, **changes) -> MollieConfig:
    values = {
        "api_key": emu.api_key,
        "organization_token": emu.organization_token,
        "base_url": emu.base_url,
        "account": "emulated",
        "testmode": True,
        "redis_url": redis_url,
        "redis_key_prefix": redis_prefix,
        "connect_timeout": 2.0,
        "read_timeout": 5.0,
        "rate_limit_requests_per_second": 1000,
    }
    values.update(changes)
    return MollieConfig(**values)


class SleepRecorder(list):
    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))


@pytest.fixture
def sleeps():
    return SleepRecorder()


@pytest.fixture
def make_pipeline(sleeps):
    """A pipeline whose sleep is recorded, not slept, and whose jitter is pinned at half."""

    def make(config: MollieConfig, registry: ListenerRegistry | None = None) -> ResiliencePipeline:
        host = config.base_url.split("//", 1)[1].split("/", 1)[0]
        guard = CallGuard(config.account, host, config.redis_url, config.redis_key_prefix, registry=registry)
        return ResiliencePipeline(guard, registry=registry, sleep=sleeps, rand=lambda: 0.5)

    return make


@pytest.fixture
def config(emulator, redis_url, redis_prefix) -> MollieConfig:
    return emulator_config(emulator, redis_url, redis_prefix)
