"""End to end over real HTTP: the emulator delivers, the endpoint persists, workers fetch through the
clients and apply each state once — with real Redis locks and the SQL store on SQLite and MariaDB."""

from __future__ import annotations

import threading
from contextlib import ExitStack
from datetime import timedelta

import pytest
import requests

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus
from verenigingen.verenigingen_payments.webhooks import RetryPolicy, WebhookSettings

from .wiring import wire

NO_INLINE = WebhookSettings(inline_budget_seconds=0)


@pytest.fixture
def stack():
    with ExitStack() as s:
        yield s


@pytest.fixture
def wired(stack, emulator, webhook_store, redis_url, redis_prefix, clock):
    return wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock)


def test_a_payment_paid_in_mollie_is_processed_once_from_the_emulators_own_delivery(wired):
    payment_id = wired.paid_payment()
    [row] = wired.runtime.store.find(resource_id=payment_id)
    assert (row.status, row.source, row.processed) == (WebhookStatus.PROCESSED, "classic", True)
    assert row.attempts == 1 and row.processing_ms is not None
    [effect] = wired.recorder.effects
    assert (effect.resource_id, effect.status, effect.account) == (payment_id, "paid", "Production")
    deliveries = [d for d in wired.emulator.control.webhook_deliveries() if d["resource_id"] == payment_id]
    assert [d["status"] for d in deliveries] == [200]


def test_the_answer_says_processed_when_it_finished_inside_the_inline_budget(wired):
    payment_id = wired.paid_payment()
    response = wired.post_classic(payment_id)
    assert response.status_code == 200
    assert response.json() == {"status": "duplicate", "resource_id": payment_id}


def test_an_id_mollie_does_not_know_is_answered_200_and_ignored(wired):
    response = wired.post_classic("tr_doesNotExist42")
    wired.settle()
    assert response.status_code == 200
    assert wired.statuses("tr_doesNotExist42") == ["ignored"]
    assert wired.recorder.effects == []


def test_eight_concurrent_duplicate_deliveries_apply_exactly_one_effect(
    stack, emulator, webhook_store, redis_url, redis_prefix
):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, settings=NO_INLINE, workers=8)
    payment_id = wired.open_payment()
    emulator.control.trigger("payment.paid", payment_id)
    wired.settle()
    wired.recorder.effects.clear()
    barrier = threading.Barrier(8)
    answers = []

    def deliver():
        with requests.Session() as session:
            barrier.wait()
            answers.append(wired.post_classic(payment_id, session).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wired.settle()
    assert answers == [200] * 8
    assert wired.recorder.effects == []  # the state was applied by the emulator's own delivery
    assert wired.statuses(payment_id).count("duplicate") == 8


def test_eight_concurrent_first_deliveries_of_a_new_state_apply_it_once(
    stack, emulator, webhook_store, redis_url, redis_prefix
):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, settings=NO_INLINE, workers=8)
    payment = wired.payments().create_payment(  # no webhookUrl: only our 8 deliveries announce it
        Amount.of("5.00", "EUR"),
        "Contributie", redirect_url="https://example.org/thanks")
    emulator.control.trigger("payment.paid", payment.id)
    barrier = threading.Barrier(8)

    def deliver():
        with requests.Session() as session:
            barrier.wait()
            wired.post_classic(payment.id, session)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wired.settle()
    assert len(wired.recorder.keys_for(payment.id)) == 1
    assert wired.statuses(payment.id) == ["duplicate"] * 7 + ["processed"]


def test_a_redelivery_after_a_real_change_applies_the_new_state(wired):
    payment_id = wired.paid_payment()
    wired.emulator.control.trigger("payment.refund", payment_id, amount="5.00")
    wired.settle()
    keys = wired.recorder.keys_for(payment_id)
    assert len(keys) == 2 and len(set(keys)) == 2
    refunded = wired.recorder.effects[-1].resource["amountRefunded"]
    assert refunded == {"value": "5.00", "currency": "EUR"}


def test_a_reversed_chargeback_returns_the_payment_to_an_earlier_state_and_that_applies_too(wired):
    """A → B → A: paid, charged back, chargeback reversed (the payment is paid with nothing charged
    back, as before) applies three effects; redelivering the last state still applies nothing."""
    payment_id = wired.paid_payment()
    chargeback = wired.emulator.control.trigger("payment.chargeback", payment_id, amount="25.00")["chargeback"]
    wired.settle()
    wired.emulator.control.trigger("chargeback.reverse", chargeback["id"])
    wired.settle()
    effects = [e for e in wired.recorder.effects if e.resource_id == payment_id]
    assert [e.resource.get("amountChargedBack") for e in effects] == [
        None, {"value": "25.00", "currency": "EUR"}, None]
    assert len({e.effect_key for e in effects}) == 3
    duplicates_before = wired.statuses(payment_id).count("duplicate")
    for _ in range(3):
        wired.post_classic(payment_id)
    wired.drain()
    assert len(wired.recorder.keys_for(payment_id)) == 3
    assert wired.statuses(payment_id).count("duplicate") == duplicates_before + 3


def test_a_failed_fetch_is_retried_with_backoff_and_then_applied(
    stack, emulator, webhook_store, redis_url, redis_prefix, clock
):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock,
                 retry_policy=RetryPolicy(base_delay=timedelta(minutes=1), jitter=lambda: 0.0))
    payment_id = wired.open_payment()
    emulator.control.inject_fault(method="GET", path=f"/v2/payments/{payment_id}", status=503, count=1)
    emulator.control.trigger("payment.paid", payment_id)
    wired.settle()
    [row] = wired.runtime.store.find(resource_id=payment_id)
    assert row.status is WebhookStatus.FAILED and row.next_attempt_at == clock() + timedelta(minutes=1)
    assert "ServerError" in row.last_error
    assert wired.runtime.recovery.run_due() == []  # not due yet
    clock.advance(timedelta(minutes=1))
    assert wired.runtime.recovery.run_due() == [row.id]
    wired.settle()
    assert wired.statuses(payment_id) == ["processed"]
    assert len(wired.recorder.keys_for(payment_id)) == 1


def test_retries_stop_at_the_limit_then_the_row_is_failed_and_alerted(
    stack, emulator, webhook_store, redis_url, redis_prefix, clock
):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock,
                 retry_policy=RetryPolicy(base_delay=timedelta(seconds=10), max_attempts=3, jitter=lambda: 0.0))
    payment_id = wired.open_payment()
    emulator.control.inject_fault(method="GET", path=f"/v2/payments/{payment_id}", status=500, probability=1.0)
    emulator.control.trigger("payment.paid", payment_id)
    wired.settle()
    for _ in range(3):
        clock.advance(timedelta(minutes=5))
        wired.runtime.recovery.run_due()
        wired.settle()
    [row] = wired.runtime.store.find(resource_id=payment_id)
    assert (row.status, row.attempts, row.next_attempt_at) == (WebhookStatus.FAILED, 3, None)
    assert [log_id for log_id, _ in wired.gave_up] == [row.id]
    assert wired.recorder.effects == []


def test_the_answer_is_retry_queued_when_processing_exceeds_the_inline_budget(
    stack, emulator, webhook_store, redis_url, redis_prefix
):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix,
                 settings=WebhookSettings(inline_budget_seconds=0.2))
    payment = wired.payments().create_payment(
        Amount.of("5.00", "EUR"),
        "Contributie", redirect_url="https://example.org/thanks")
    emulator.control.trigger("payment.paid", payment.id)
    emulator.control.inject_fault(method="GET", path=f"/v2/payments/{payment.id}", delay=1.0, count=1)
    response = wired.post_classic(payment.id)
    assert response.json() == {"status": "retry_queued", "resource_id": payment.id}
    wired.settle()
    assert wired.statuses(payment.id) == ["processed"]
