"""Property-based fuzzing of the framework-free webhook endpoint (classic form posts, signed next-gen
events, arbitrary requests) on SQLite: every request gets a clear 4xx, or the 200 a valid delivery
gets, never a 5xx; it leaves exactly one log row that would fit MariaDB's columns; and the worker
processes every row it persisted (fetching from the emulator) to a final status without an error.

Settings profile `webhook-fuzz` (fuzz_harness.py): FUZZ_EXAMPLES examples per test, no deadline;
derandomized and without the example database when CI is set, so CI runs the same examples each time.
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verenigingen.verenigingen_payments.clients.payments_client import PaymentsClient
from verenigingen.verenigingen_payments.clients.refunds_client import RefundsClient
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore
from verenigingen.verenigingen_payments.webhooks import (
    HandlerRegistry,
    StaticSecrets,
    WebhookApp,
    WebhookIngestService,
    WebhookSettings,
)
from verenigingen.verenigingen_payments.webhooks.builtin_handlers import register_builtin_handlers
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks
from verenigingen.verenigingen_payments.webhooks.processing import WebhookProcessor
from verenigingen.verenigingen_payments.webhooks.rate_limit import ClientRateLimiter
from verenigingen.verenigingen_payments.webhooks.recovery import WebhookRecovery
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .conftest import RecordingHandler, emulator_config
from .fuzz_harness import FUZZ, ErrorRecords, FuzzEndpoint
from .fuzz_strategies import (
    MAX_BODY,
    NOW,
    classic_requests,
    event_bodies,
    hostile_bodies,
    junk_requests,
    next_gen_requests,
)
from .wiring import DEFAULT_SECRETS


@pytest.fixture
def errors():
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.fixture
def endpoint(emulator, tmp_path, redis_url, redis_prefix, errors):
    store = WebhookLogStore.from_url(f"sqlite:///{tmp_path / 'fuzz.sqlite3'}")
    fetcher = ClientsResourceFetcher(lambda account: emulator_config(emulator))
    ledger = SqlPaymentLedger(store.engine)
    registry = register_builtin_handlers(HandlerRegistry(), ledger=ledger, fetcher=fetcher)
    registry.register("*", RecordingHandler())
    locks = RedisResourceLocks.from_url(redis_url, prefix=redis_prefix + "lock:", blocking_timeout=5)
    service = WebhookIngestService(
        store, NullQueue(), StaticSecrets(DEFAULT_SECRETS),
        settings=WebhookSettings(max_body_bytes=MAX_BODY),
        rate_limiter=ClientRateLimiter.in_memory("1000000/minute"), clock=lambda: NOW,
    )
    processor = WebhookProcessor(store, fetcher, registry, locks, clock=lambda: NOW)
    recovery = WebhookRecovery(store, NullQueue(), clock=lambda: NOW)
    yield FuzzEndpoint(WebhookApp(service), store, processor, recovery, errors)
    store.engine.dispose()


@pytest.fixture
def known(emulator):
    """Ids the emulator knows: payments, and refunds with their payment."""
    config = emulator_config(emulator)
    payments = [p.id for p in PaymentsClient(config).list_payments(max_items=8)]
    refunds = [(r.id, r.payment_id) for r in RefundsClient(config).list_refunds(max_items=4)]
    return payments, [(p, None) for p in payments] + refunds


@FUZZ
@given(data=st.data())
def test_classic_deliveries_get_a_clear_answer_and_every_logged_row_is_processable(endpoint, known, data):
    endpoint.check(data.draw(classic_requests(st.sampled_from(known[0]))))


@FUZZ
@given(data=st.data())
def test_next_gen_events_get_a_clear_answer_and_every_logged_row_is_processable(endpoint, known, data):
    endpoint.check(data.draw(next_gen_requests(event_bodies(st.sampled_from(known[1])))))


@FUZZ
@given(request=next_gen_requests(hostile_bodies()))
def test_signed_hostile_json_bodies_get_a_clear_answer(endpoint, request):
    endpoint.check(request)


@FUZZ
@given(request=junk_requests())
def test_arbitrary_requests_get_a_clear_answer(endpoint, request):
    endpoint.check(request)
