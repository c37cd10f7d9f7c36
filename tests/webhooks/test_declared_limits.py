"""The declared limits (core/input_limits.py) at the webhook door, on SQLite and MariaDB alike: both
edges of the event window, the JSON depth, every refusal with its rejected row, ids that differ only
in case kept apart."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from verenigingen.verenigingen_payments.core.input_limits import MAX_CLOCK_SKEW, MAX_EVENT_AGE, MAX_JSON_DEPTH
from verenigingen.verenigingen_payments.store.webhook_log import NewWebhookLog, WebhookStatus
from verenigingen.verenigingen_payments.webhooks import (
    IncomingDelivery,
    StaticSecrets,
    WebhookIngestService,
    signature_header,
)
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .conftest import SIGNING_SECRET
from .wiring import DEFAULT_SECRETS

MICROSECOND = timedelta(microseconds=1)


@pytest.fixture
def service(webhook_store, clock):
    return WebhookIngestService(webhook_store, NullQueue(), StaticSecrets(DEFAULT_SECRETS), clock=clock)


def _signed(body: bytes) -> IncomingDelivery:
    return IncomingDelivery("POST", "application/json", {"X-Mollie-Signature": signature_header(body, SIGNING_SECRET)},
                            body, client_ip="127.0.0.1")


def _event_body(created_at: str, event_id: str = "event_abc", **extra) -> bytes:
    return json.dumps({"resource": "event", "id": event_id, "type": "payment.paid", "entityId": "tr_abc123",
                       "createdAt": created_at, **extra}).encode()


def _answer_and_rows(service, store, body: bytes):
    answer = service.ingest(_signed(body))
    return answer, store.find()


@pytest.mark.parametrize("offset, reason", [
    (-MAX_EVENT_AGE, None),
    (-MAX_EVENT_AGE - MICROSECOND, "event_too_old"),
    (MAX_CLOCK_SKEW, None),
    (MAX_CLOCK_SKEW + MICROSECOND, "event_in_future"),
], ids=["oldest-allowed", "just-too-old", "furthest-ahead-allowed", "just-too-far-ahead"])
def test_the_event_window_has_two_edges(service, webhook_store, clock, offset, reason):
    answer, [row] = _answer_and_rows(service, webhook_store, _event_body((clock() + offset).isoformat()))
    if reason is None:
        assert (answer.http_status, row.status) == (200, WebhookStatus.RECEIVED)
    else:
        assert (answer.http_status, answer.body["reason"]) == (422, reason)
        assert (row.status, row.rejection_reason, row.http_status) == (WebhookStatus.REJECTED, reason, 422)


def test_an_event_dated_9999_is_refused_as_in_the_future(service, webhook_store):
    answer, [row] = _answer_and_rows(service, webhook_store, _event_body("9999-12-31T00:00:00Z"))
    assert (answer.http_status, answer.body["reason"], row.rejection_reason) == (422, "event_in_future",
                                                                                "event_in_future")


def test_a_too_old_event_with_a_long_type_is_refused_with_its_row(service, webhook_store, clock):
    old = (clock() - 3 * MAX_EVENT_AGE).isoformat()
    body = json.dumps({"resource": "event", "id": "event_abc", "type": "payment." + "p" * 200,
                       "entityId": "tr_abc123", "createdAt": old}).encode()
    answer, [row] = _answer_and_rows(service, webhook_store, body)
    assert answer.http_status == 422
    assert (row.status, row.rejection_reason, row.event_type) == (WebhookStatus.REJECTED, answer.body["reason"], None)


@pytest.mark.parametrize("depth, accepted", [(MAX_JSON_DEPTH - 1, True), (MAX_JSON_DEPTH, False)])
def test_json_nesting_is_measured_against_the_declared_depth(service, webhook_store, clock, depth, accepted):
    """The event object is one level; `depth` more inside an extra field (brackets in strings do not count)."""
    nested = "[" * depth + '"]]]]{{"' + "]" * depth
    body = _event_body(clock().isoformat())[:-1] + b', "x": ' + nested.encode() + b"}"
    answer, [row] = _answer_and_rows(service, webhook_store, body)
    if accepted:
        assert answer.http_status == 200
    else:
        assert (answer.http_status, row.rejection_reason) == (400, "malformed_json")


def test_event_ids_that_differ_only_in_case_are_two_events(service, webhook_store, clock):
    now = clock().isoformat()
    answers = [service.ingest(_signed(_event_body(now, event_id))).body["status"]
               for event_id in ("event_abc", "event_ABC", "event_abc")]
    assert answers == ["retry_queued", "retry_queued", "duplicate"]


def test_effect_keys_that_differ_only_in_case_are_two_effects(webhook_store, clock):
    outcomes = []
    for payment_id in ("tr_abc", "tr_ABC"):
        row = webhook_store.record(NewWebhookLog(
            id="row-" + payment_id.lower() + str(len(outcomes)), source="classic", status=WebhookStatus.RECEIVED, http_status=200,
            signature_result="valid_secret", headers="{}", received_at=clock(), resource_id=payment_id))
        webhook_store.claim(row.id, now=clock(), lease=timedelta(minutes=1))
        outcomes.append(webhook_store.finish_with_effect(
            row.id, f"payment:{payment_id}:paid", resource_type="payment", resource_id=payment_id,
            status="paid", now=clock(), processing_ms=1))
    assert outcomes == [WebhookStatus.PROCESSED, WebhookStatus.PROCESSED]
    assert [r.resource_id for r in webhook_store.find(resource_id="tr_ABC")] == ["tr_ABC"]
