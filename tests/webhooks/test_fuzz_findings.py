"""What the endpoint fuzzer (test_endpoint_fuzz.py) found, pinned on SQLite and MariaDB: each input
once got a 503 (Mollie retries it forever) or lost its log row, and now gets a clear answer and a
row that fits the log's columns."""

from __future__ import annotations

import json

import pytest

from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus
from verenigingen.verenigingen_payments.webhooks import (
    IncomingDelivery,
    StaticSecrets,
    WebhookIngestService,
    signature_header,
)
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .conftest import CLASSIC_SECRET, SIGNING_SECRET
from .wiring import DEFAULT_SECRETS

JSON = "application/json"


@pytest.fixture
def service(webhook_store, clock):
    return WebhookIngestService(webhook_store, NullQueue(), StaticSecrets(DEFAULT_SECRETS), clock=clock)


def _event(clock, **fields) -> dict:
    return {"resource": "event", "id": "event_GvJ8WHrp5isUdRub9CJyH", "type": "payment.paid",
            "entityId": "re_abc123", "createdAt": clock().isoformat(), **fields}


def _signed(body: bytes, client_ip: str = "127.0.0.1") -> IncomingDelivery:
    headers = {"X-Mollie-Signature": signature_header(body, SIGNING_SECRET)}
    return IncomingDelivery("POST", JSON, headers, body, client_ip=client_ip)


def _answer_and_row(service, store, delivery):
    answer = service.ingest(delivery)
    [row] = store.find()
    return answer, row


@pytest.mark.parametrize("depth", [5_000, 30_000])
def test_a_signed_body_nested_too_deeply_for_json_is_malformed(service, webhook_store, depth):
    answer, row = _answer_and_row(service, webhook_store, _signed(b"[" * depth + b"]" * depth))
    assert (answer.http_status, answer.body["reason"], row.rejection_reason) == (400, "malformed_json",
                                                                                "malformed_json")


@pytest.mark.parametrize("fields", [
    {"id": "event_" + "x" * 150},
    {"id": "\ud800"},
    {"id": "event_abc\n"},
    {"type": "payment." + "x" * 80},
    {"type": "payment.paid\x00"},
    {"_embedded": {"entity": {"paymentId": "\ud800"}}},
    {"_embedded": {"entity": {"paymentId": "tr_" + "p" * 120}}},
    {"_embedded": {"entity": {"paymentId": 42}}},
    {"createdAt": "9999-12-31T23:59:59-01:00"},
    {"createdAt": "0001-01-01T00:00:00+01:00"},
], ids=["long-id", "surrogate-id", "newline-id", "long-type", "nul-type", "surrogate-parent", "long-parent",
        "number-parent", "past-9999-in-utc", "before-year-1-in-utc"])
def test_a_signed_event_with_an_unstorable_field_is_an_invalid_event(service, webhook_store, clock, fields):
    body = json.dumps(_event(clock, **fields)).encode()
    answer, row = _answer_and_row(service, webhook_store, _signed(body))
    assert (answer.http_status, answer.body["reason"]) == (422, "invalid_event")
    assert (row.status, row.rejection_reason) == (WebhookStatus.REJECTED, "invalid_event")


def test_a_parent_id_of_mollies_shape_still_addresses_the_refund(service, webhook_store, clock):
    body = json.dumps(_event(clock, _embedded={"entity": {"paymentId": "tr_abc123"}})).encode()
    answer, row = _answer_and_row(service, webhook_store, _signed(body))
    assert answer.http_status == 200 and (row.resource_type, row.parent_id) == ("refund", "tr_abc123")


@pytest.mark.parametrize("entity", ["\ud800", "hook_" + "x" * 200, 42])
def test_a_ping_with_an_odd_entity_id_is_logged_without_it(service, webhook_store, clock, entity):
    body = json.dumps(_event(clock, type="webhook.ping", entityId=entity)).encode()
    answer, row = _answer_and_row(service, webhook_store, _signed(body))
    assert (answer.http_status, answer.body) == (200, {"status": "pong"})
    assert (row.status, row.resource_id) == (WebhookStatus.IGNORED, "")


@pytest.mark.parametrize("forged", ["\ud800", "1.2.3.4" * 20, "<script>", ""])
def test_a_client_address_that_is_no_ip_is_not_stored(service, webhook_store, forged):
    answer, row = _answer_and_row(service, webhook_store, IncomingDelivery(
        "POST", "application/x-www-form-urlencoded", {}, b"id=tr_abc123", query={"secret": CLASSIC_SECRET},
        client_ip=forged))
    assert answer.http_status == 200 and row.client_ip is None


def test_a_client_address_is_stored_in_canonical_form(service, webhook_store):
    _, row = _answer_and_row(service, webhook_store, IncomingDelivery(
        "POST", "application/x-www-form-urlencoded", {}, b"id=tr_abc123", query={"secret": "wrong-secret"},
        client_ip=" 2001:DB8::0:1 "))
    assert row.client_ip == "2001:db8::1"
