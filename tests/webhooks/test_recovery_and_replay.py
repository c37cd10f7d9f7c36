"""Nothing is lost: rows a crashed process left behind are picked up again, and operators can
replay by id, failed rows or since a date, always under the same dedupe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone

import pytest
import requests

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus
from verenigingen.verenigingen_payments.webhooks import WEBHOOK_PATH, RetryPolicy, signature_header
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .conftest import CLASSIC_SECRET, SIGNING_SECRET, FrozenClock
from .crash_after_persist import CRASH_EXIT_CODE
from .wiring import wire

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stack():
    with ExitStack() as s:
        yield s


def test_a_delivery_persisted_by_a_process_that_then_crashed_is_processed_by_the_retry_job(
    stack, emulator, webhook_store, sql_store_url, redis_url, redis_prefix
):
    clock = FrozenClock(datetime.now(timezone.utc))
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock)
    payment = wired.payments().create_payment(
        Amount.of("9.00", "EUR"),
        "Contributie", redirect_url="https://example.org/thanks")
    emulator.control.trigger("payment.paid", payment.id)

    server = subprocess.Popen([sys.executable, "-m", "tests.webhooks.crash_after_persist", sql_store_url],
                              cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    stack.callback(lambda: server.poll() is None and server.kill())
    port = int(server.stdout.readline())
    url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}?secret={CLASSIC_SECRET}"
    with pytest.raises(requests.ConnectionError):  # the process died before answering
        requests.post(url, data={"id": payment.id}, timeout=20)
    assert server.wait(timeout=20) == CRASH_EXIT_CODE

    [row] = webhook_store.find(resource_id=payment.id)
    assert row.status is WebhookStatus.RECEIVED
    assert wired.runtime.recovery.run_due() == []  # not stale yet: a live worker may still take it
    clock.advance(timedelta(minutes=3))
    assert wired.runtime.recovery.run_due() == [row.id]
    wired.settle()
    assert wired.statuses(payment.id) == ["processed"]
    assert len(wired.recorder.keys_for(payment.id)) == 1


def test_a_row_whose_worker_died_mid_processing_is_taken_again_after_its_lease(
    stack, emulator, webhook_store, redis_url, redis_prefix, clock
):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock, queue=NullQueue())
    payment_id = wired.open_payment()
    emulator.control.trigger("payment.paid", payment_id)
    assert emulator.control.wait_for_webhooks(timeout=20)
    [row] = webhook_store.find(resource_id=payment_id)
    assert webhook_store.claim(row.id, now=clock(), lease=timedelta(minutes=5))  # …and the worker dies
    clock.advance(timedelta(minutes=6))
    assert wired.runtime.recovery.run_due() == [row.id]
    assert wired.runtime.processor.process(row.id) is WebhookStatus.PROCESSED
    assert webhook_store.get(row.id).attempts == 2
    assert len(wired.recorder.keys_for(payment_id)) == 1


def test_replaying_a_processed_delivery_applies_nothing_new(wired_default):
    wired = wired_default
    payment_id = wired.paid_payment()
    [row] = wired.runtime.store.find(resource_id=payment_id)
    assert wired.runtime.recovery.replay(ids=[row.id]) == [row.id]
    wired.settle()
    replayed = wired.runtime.store.get(row.id)
    assert (replayed.status, replayed.operator_replay) == (WebhookStatus.DUPLICATE, True)
    assert len(wired.recorder.keys_for(payment_id)) == 1


def test_replaying_failed_rows_applies_them_once_the_cause_is_gone(
    stack, emulator, webhook_store, redis_url, redis_prefix, clock
):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock,
                 retry_policy=RetryPolicy(max_attempts=1))
    payment_id = wired.open_payment()
    emulator.control.inject_fault(method="GET", path=f"/v2/payments/{payment_id}", status=502, count=1)
    emulator.control.trigger("payment.paid", payment_id)
    wired.settle()
    assert wired.statuses(payment_id) == ["failed"] and len(wired.gave_up) == 1
    assert len(wired.runtime.recovery.replay(failed=True)) == 1
    wired.settle()
    assert wired.statuses(payment_id) == ["processed"]
    assert len(wired.recorder.keys_for(payment_id)) == 1


def test_replay_since_a_date_takes_only_later_rows(stack, emulator, webhook_store, redis_url, redis_prefix, clock):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock)
    early = wired.paid_payment()
    clock.advance(timedelta(days=1))
    late = wired.paid_payment()
    replayed = wired.runtime.recovery.replay(since=clock() - timedelta(hours=1))
    wired.settle()
    assert [webhook_store.get(i).resource_id for i in replayed] == [late]
    assert wired.statuses(early) == ["processed"]


def test_an_event_refused_for_its_age_is_processed_when_an_operator_replays_it(wired_default, clock):
    wired = wired_default
    payment_id = wired.paid_payment()
    old = (clock() - timedelta(days=5)).isoformat()
    body = json.dumps({"resource": "event", "id": "event_old1", "type": "payment.paid", "entityId": payment_id,
                       "createdAt": old}).encode()
    response = requests.post(wired.url, data=body, timeout=20, headers={
        "Content-Type": "application/json", "X-Mollie-Signature": signature_header(body, SIGNING_SECRET)})
    assert response.status_code == 422
    [row] = [r for r in wired.runtime.store.find(resource_id=payment_id) if r.status is WebhookStatus.REJECTED]
    assert wired.runtime.recovery.replay(ids=[row.id]) == [row.id]
    wired.settle()
    assert wired.runtime.store.get(row.id).status is WebhookStatus.DUPLICATE  # same state as already applied


def test_a_delivery_refused_for_its_signature_can_never_be_replayed(wired_default, clock):
    wired = wired_default
    body = json.dumps({"resource": "event", "id": "event_x", "type": "payment.paid", "entityId": "tr_abc123",
                       "createdAt": clock().isoformat()}).encode()
    requests.post(wired.url, data=body, timeout=20, headers={
        "Content-Type": "application/json", "X-Mollie-Signature": signature_header(body, "forged")})
    [row] = wired.runtime.store.find()
    assert wired.runtime.recovery.replay(ids=[row.id]) == []


@pytest.fixture
def wired_default(stack, emulator, webhook_store, redis_url, redis_prefix, clock):
    return wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock)
