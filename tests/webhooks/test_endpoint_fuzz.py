"""Property-based fuzzing of the framework-free webhook endpoint (classic form posts, signed next-gen
events, arbitrary requests) on SQLite: every request gets a clear 4xx, or the 200 a valid delivery
gets, never a 5xx; it leaves exactly one log row that would fit MariaDB's columns; and the worker
processes every row it persisted (fetching from the emulator) to a final status without an error.

Settings profile `fuzz` (tests/plugins/fuzz_budget.py): FUZZ_EXAMPLES examples per test (120, or
VERENIGINGEN_FUZZ_EXAMPLES for a long local run), no deadline; derandomized and without the example
database when CI is set, so CI runs the same examples each time. The twin test sends the same
requests to SQLite and MariaDB. Each request is tallied per door (tests/plugins/fuzz_tally.py).
"""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.plugins.fuzz_budget import FUZZ, FUZZ_EXAMPLES
from tests.plugins.fuzz_tally import tally
from verenigingen.verenigingen_payments.clients.payments_client import PaymentsClient
from verenigingen.verenigingen_payments.clients.refunds_client import RefundsClient

from .conftest import emulator_config
from .fuzz_harness import ErrorRecords, door_of, fuzz_endpoint
from .fuzz_strategies import (
    any_requests,
    classic_requests,
    event_bodies,
    hostile_bodies,
    junk_requests,
    next_gen_requests,
)


@pytest.fixture
def errors():
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


@pytest.fixture
def endpoint(emulator, tmp_path, redis_url, redis_prefix, errors):
    endpoint = fuzz_endpoint(f"sqlite:///{tmp_path / 'fuzz.sqlite3'}", emulator, redis_url, redis_prefix, errors)
    yield endpoint
    endpoint.store.engine.dispose()


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


@pytest.fixture
def twin_endpoints(emulator, tmp_path, sql_store_url, redis_url, redis_prefix, errors):
    """The same endpoint on an SQLite log and on a MariaDB log."""
    endpoints = [fuzz_endpoint(url, emulator, redis_url, redis_prefix, errors)
                 for url in (f"sqlite:///{tmp_path / 'twin.sqlite3'}", sql_store_url)]
    yield endpoints
    for endpoint in endpoints:
        endpoint.store.engine.dispose()


@pytest.mark.parametrize("sql_store_url", [pytest.param("mariadb", marks=pytest.mark.mariadb)], indirect=True)
@settings(FUZZ, max_examples=2 * FUZZ_EXAMPLES)
@given(data=st.data())
def test_sqlite_and_mariadb_give_every_request_the_same_answer(twin_endpoints, known, data):
    """Each request (classic, next-gen, hostile, junk, case twins) to both: the same status, answer,
    row status and reason, and worker outcome; each side passing every check of `check`."""
    for request in data.draw(any_requests(st.sampled_from(known[0]), st.sampled_from(known[1]))):
        on_sqlite, on_mariadb = (endpoint.check(request) for endpoint in twin_endpoints)
        tally(door_of(request), inputs=0, disagreements=int(on_sqlite != on_mariadb))
        assert on_sqlite == on_mariadb, request
