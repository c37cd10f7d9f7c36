"""Fixtures of the webhook tests: a log store on SQLite and MariaDB, and a real HTTP server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone

import pytest
import requests

from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore
from verenigingen.verenigingen_payments.webhooks import WEBHOOK_PATH
from verenigingen.verenigingen_payments.webhooks.wsgi import make_webhook_server

CLASSIC_SECRET = "classic-secret-0123456789abcdef"
SIGNING_SECRET = "signing-secret-fedcba9876543210"


@pytest.fixture
def webhook_store(sql_store_url) -> Iterator[WebhookLogStore]:
    store = WebhookLogStore.from_url(sql_store_url)
    yield store
    store.engine.dispose()


class FrozenClock:
    """A settable clock for the code under test (never sleeps)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta) -> None:
        self.now = self.now + delta


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    """Cleanups of a test's servers, workers and subprocesses, run in reverse at its end."""
    with ExitStack() as s:
        yield s


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve a WSGI app on a loopback port in a thread; yields the webhook URL."""
    server = make_webhook_server(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{WEBHOOK_PATH}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    yield session
    session.close()


class RecordingHandler:
    """A handler of the test's own: counts the effects it was given (thread-safe)."""

    def __init__(self) -> None:
        self.effects = []
        self._lock = threading.Lock()

    def __call__(self, effect) -> None:
        with self._lock:
            self.effects.append(effect)

    def keys_for(self, resource_id: str) -> list[str]:
        return [e.effect_key for e in self.effects if e.resource_id == resource_id]


def emulator_config(emulator, **overrides):
    from verenigingen.verenigingen_payments.clients.config import MollieConfig

    values = dict(api_key=emulator.api_key, organization_token=emulator.organization_token,
                  base_url=emulator.base_url, account="Production", retry_max_attempts=1,
                  rate_limit_requests_per_second=1000.0, circuit_breaker_failure_threshold=1000)
    values.update(overrides)
    return MollieConfig(**values)
