"""One retry layer, over HTTP: fault injection in the emulator, the request log as the witness."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from verenigingen.verenigingen_payments.clients import PaymentsClient, RefundsClient
from verenigingen.verenigingen_payments.core.errors import ServerError
from verenigingen.verenigingen_payments.core.models import Amount, PaymentStatus
from verenigingen.verenigingen_payments.core.resilience import (
    ListenerRegistry,
    RequestFinished,
    RetryScheduled,
)

from ..resilience.conftest import Recorder


def logged(emulator, method: str, prefix: str) -> list[dict]:
    return [
        r for r in emulator.control.request_log() if r["method"] == method and r["path"].startswith(prefix)
    ]


def logged_eventually(emulator, method: str, prefix: str, count: int, timeout: float = 5.0) -> list[dict]:
    """The emulator logs a delayed request when its answer is written, after our timeout fired."""
    deadline = time.monotonic() + timeout
    while True:
        records = logged(emulator, method, prefix)
        if len(records) >= count or time.monotonic() > deadline:
            return records
        time.sleep(0.05)


def idempotency_keys(records) -> list[str]:
    return [{k.lower(): v for k, v in r["headers"].items()}.get("idempotency-key") for r in records]


def test_write_retried_after_429_honours_retry_after_with_one_idempotency_key(
    config, emulator, make_pipeline, sleeps
):
    emulator.control.inject_fault(method="POST", path="/v2/payments", status=429, retry_after=1, count=2)
    client = PaymentsClient(config, pipeline=make_pipeline(config))
    payment = client.create_payment(Amount.of("7.50", "EUR"), "Dues", redirect_url="https://e.example/r")
    assert payment.status is PaymentStatus.OPEN
    posts = logged(emulator, "POST", "/v2/payments")
    assert [r["status"] for r in posts] == [429, 429, 201]
    keys = idempotency_keys(posts)
    assert keys[0] and keys == [keys[0]] * 3
    assert sleeps == [1.0, 1.0]


def test_get_retried_after_two_502s(config, emulator, make_pipeline, sleeps):
    payment_id = PaymentsClient(config).list_payments(max_items=1)[0].id
    emulator.control.clear_request_log()
    emulator.control.inject_fault(method="GET", path="/v2/payments/*", status=502, count=2)
    registry = ListenerRegistry()
    recorder = Recorder()
    registry.add(recorder)
    client = PaymentsClient(config, pipeline=make_pipeline(config, registry))
    assert client.get_payment(payment_id).id == payment_id
    assert [r["status"] for r in logged(emulator, "GET", "/v2/payments/")] == [502, 502, 200]
    assert sleeps == [0.25, 0.5]  # full jitter pinned at half: 0.5 * 0.5, 0.5 * 1.0
    assert [e.reason for e in recorder.of(RetryScheduled)] == ["5xx", "5xx"]
    assert [(e.endpoint, e.status_class) for e in recorder.of(RequestFinished)] == [
        ("/v2/payments/{id}", "5xx"),
        ("/v2/payments/{id}", "5xx"),
        ("/v2/payments/{id}", "2xx"),
    ]


def test_timeout_on_a_write_is_retried_with_the_same_key_and_charges_once(config, emulator, make_pipeline):
    payment = next(p for p in PaymentsClient(config).iter_payments() if p.status is PaymentStatus.PAID)
    emulator.control.clear_request_log()
    emulator.control.inject_fault(method="POST", path="/v2/payments/*/refunds", delay=0.6, count=1)
    slow = replace(config, read_timeout=0.3)
    refund = RefundsClient(slow, pipeline=make_pipeline(slow)).create_refund(
        payment.id, Amount.of("0.50", "EUR")
    )
    posts = logged_eventually(emulator, "POST", f"/v2/payments/{payment.id}/refunds", 2)
    assert len(posts) == 2 and len(set(idempotency_keys(posts))) == 1
    assert sorted(r["replayed"] for r in posts) == [
        False,
        True,
    ]  # the first did arrive; its answer is replayed
    assert [r.id for r in RefundsClient(config).iter_payment_refunds(payment.id)].count(refund.id) == 1
    assert len(list(RefundsClient(config).iter_payment_refunds(payment.id))) == 1


def test_dropped_connection_on_a_write_is_retried_with_the_same_key(config, emulator, make_pipeline):
    emulator.control.inject_fault(method="POST", path="/v2/payments", drop=True, count=1)
    key = "dues-2026-member-42"
    client = PaymentsClient(config, pipeline=make_pipeline(config))
    payment = client.create_payment(
        Amount.of("9.00", "EUR"), "Dues", redirect_url="https://e.example/r", idempotency_key=key
    )
    posts = logged(emulator, "POST", "/v2/payments")
    assert idempotency_keys(posts) == [key, key]
    assert posts[1]["replayed"] is True
    assert PaymentsClient(config).get_payment(payment.id).amount == Amount.of("9.00", "EUR")


def test_retries_stop_at_retry_max_attempts(config, emulator, make_pipeline):
    emulator.control.inject_fault(method="GET", path="/v2/payments/*", status=500, count=10)
    limited = replace(config, retry_max_attempts=2)
    with pytest.raises(ServerError):
        PaymentsClient(limited, pipeline=make_pipeline(limited)).get_payment("tr_any")
    assert len(logged(emulator, "GET", "/v2/payments/")) == 2
