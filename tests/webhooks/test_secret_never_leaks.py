"""The webhook secrets never reach a log record or a Webhook Log row.

Every rejection and error path of the framework-free endpoint and of the worker runs with canary
secrets (the classic `?secret=` and the next-gen signing secret), the app's log redaction switched
off so nothing is masked after the fact, and the payments carrying the canary in their webhookUrl
(as the app creates them), so the resources the worker fetches contain it too. Then every log record
(caplog, DEBUG, all loggers), every column of every row the store holds, and every answer is searched.
"""

from __future__ import annotations

import json
import logging
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from verenigingen.verenigingen_payments.clients.payments_client import PaymentsClient
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.core.security import log_redaction
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore
from verenigingen.verenigingen_payments.webhooks import (
    WEBHOOK_PATH,
    HandlerRegistry,
    RetryPolicy,
    StaticSecrets,
    WebhookApp,
    WebhookIngestService,
    WebhookSecrets,
    WebhookSettings,
    signature_header,
)
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks
from verenigingen.verenigingen_payments.webhooks.processing import WebhookProcessor
from verenigingen.verenigingen_payments.webhooks.rate_limit import ClientRateLimiter
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .conftest import emulator_config, serving

CLASSIC_CANARY = "whsec-canary-5150-classic-qwertyuiop"
SIGNING_CANARY = "whsec-canary-5150-signing-asdfghjkl"
CANARIES = (CLASSIC_CANARY, SIGNING_CANARY, "canary-5150")  # the fragment catches a partial leak
NEAR_MISS = CLASSIC_CANARY[:-1] + "X"  # a wrong secret that still carries the canary's fragment
SECRETS = WebhookSecrets(classic={"Production": [CLASSIC_CANARY]}, signing={"Production": [SIGNING_CANARY]})
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 1024


class FailingHandler:
    """A handler bug that puts the whole fetched resource (webhookUrl and its secret) in its message."""

    def __init__(self, payment_id: str) -> None:
        self.payment_id = payment_id

    def __call__(self, effect) -> None:
        if effect.resource_id == self.payment_id:
            raise RuntimeError(f"could not book {effect.resource!r}")


@pytest.fixture
def no_log_redaction(monkeypatch):
    """Whatever another test installed: nothing may be masked after the fact here."""
    monkeypatch.setattr(log_redaction, "_namespaces", set())


@pytest.fixture
def payments(emulator):
    client = PaymentsClient(emulator_config(emulator))
    webhook_url = f"https://members.example.org{WEBHOOK_PATH}?secret={CLASSIC_CANARY}"
    created = [client.create_payment(Amount.of("12.50", "EUR"), "Contributie", webhook_url=webhook_url,
                                     redirect_url="https://members.example.org/thanks").id for _ in range(4)]
    for payment_id in created:
        emulator.control.trigger("payment.paid", payment_id)
    return created


@pytest.fixture
def pipeline(emulator, webhook_store, redis_url, redis_prefix, clock, payments):
    service = WebhookIngestService(
        webhook_store, NullQueue(), StaticSecrets(SECRETS), settings=WebhookSettings(max_body_bytes=MAX_BODY),
        rate_limiter=ClientRateLimiter.in_memory("8/minute"), clock=clock)
    registry = HandlerRegistry()
    registry.register("payment", FailingHandler(payments[3]))
    fetcher = ClientsResourceFetcher(lambda account: emulator_config(emulator, read_timeout=0.5))
    processor = WebhookProcessor(
        webhook_store, fetcher, registry,
        RedisResourceLocks.from_url(redis_url, prefix=redis_prefix + "lock:", blocking_timeout=5),
        retry_policy=RetryPolicy(max_attempts=2, jitter=lambda: 0.0), clock=clock)
    return Client(WebhookApp(service)), processor


def _post(client, *, query=None, body=b"", headers=None, method="POST"):
    response = client.open(WEBHOOK_PATH, method=method, data=body, query_string=query or {},
                           headers=headers or {})
    return response.status_code, response.get_data(as_text=True)


def _classic(client, body=b"id=tr_abc123", secret=CLASSIC_CANARY, content_type=FORM, method="POST"):
    query = {"secret": secret} if secret else None
    return _post(client, query=query, body=body, headers={"Content-Type": content_type}, method=method)


def _next_gen(client, body: bytes, secret=SIGNING_CANARY):
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Mollie-Signature"] = signature_header(body, secret)
    return _post(client, body=body, headers=headers)


def _event(clock, **fields) -> bytes:
    event = {"resource": "event", "id": "event_Canary5150", "type": "payment.paid",
             "entityId": "tr_Canary5150", "createdAt": clock().isoformat(), **fields}
    return json.dumps(event).encode()


def _endpoint_rejections(client, clock) -> list[tuple[int, str]]:
    answers = [
        _classic(client, secret=NEAR_MISS),
        _classic(client, secret=None),
        _classic(client, body=b"\xff\xfe id=%%%"),
        _classic(client, body=b"id=xyz_abc123"),
        _classic(client, body=b"id=tr_abc&pad=" + b"a" * 2 * MAX_BODY),
        _classic(client, content_type="text/plain"),
        _classic(client, method="GET"),
        _next_gen(client, _event(clock), secret=NEAR_MISS),
        _next_gen(client, _event(clock), secret=None),
        _next_gen(client, b"{not json"),
        _next_gen(client, b"[" * 1000),
        _next_gen(client, _event(clock, entityId="zz_abc123")),
    ]
    answers += [_classic(client, secret=NEAR_MISS) for _ in range(3)]  # over the rate limit
    statuses = [status for status, _ in answers]
    assert statuses == [403, 401, 400, 422, 413, 415, 405, 403, 401, 400, 400, 422, 403, 429, 429], statuses
    return answers


def _worker_failures(client, processor, store, emulator, clock, payments) -> list[tuple[int, str]]:
    """A payment processed, one whose fetch keeps failing (5xx, then given up), one whose fetch times
    out once, one whose handler raises, and an id Mollie does not know (404)."""
    paid, failing, slow, buggy = payments
    answers = [_classic(client, body=f"id={pid}".encode())
               for pid in (paid, failing, slow, buggy, "tr_doesNotExist5150")]
    assert [status for status, _ in answers] == [200] * 5
    emulator.control.inject_fault(method="GET", path=f"/v2/payments/{failing}", status=503, count=10)
    emulator.control.inject_fault(method="GET", path=f"/v2/payments/{slow}", delay=2.0, count=1)
    for _ in range(2):  # the second round retries (5xx again) and gives up
        for row in store.find():
            processor.process(row.id)
        clock.advance(timedelta(hours=3))
    emulator.control.clear_faults()
    statuses = {row.resource_id: row.status.value for row in store.find() if row.http_status == 200}
    assert statuses == {paid: "processed", failing: "failed", slow: "processed", buggy: "failed",
                        "tr_doesNotExist5150": "ignored"}, statuses
    return answers


def _malformed_request_line(app) -> bytes:
    """An HTTP request the server cannot parse, the secret in its URL (werkzeug logs such lines)."""
    with serving(app) as url:
        port = int(url.split(":")[2].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(f"POST {WEBHOOK_PATH}?secret={CLASSIC_CANARY} extra HTTP/1.1\r\n\r\n".encode())
            return sock.recv(200)


def _every_row(engine) -> str:
    with engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for table in sa.inspect(engine).get_table_names()
                         for row in conn.execute(sa.text(f"SELECT * FROM {table}")))


def _leaks(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary in text]


def test_no_rejection_or_failure_puts_a_webhook_secret_in_a_log_or_a_row(
    no_log_redaction, pipeline, emulator, webhook_store, clock, payments, caplog
):
    client, processor = pipeline
    caplog.set_level(logging.DEBUG)
    answers = _endpoint_rejections(client, clock)
    answers += _worker_failures(client, processor, webhook_store, emulator, clock, payments)
    raw_answer = _malformed_request_line(client.application)

    logged = caplog.text + "\n".join(r.getMessage() + str(r.exc_info) for r in caplog.records)
    rows = _every_row(webhook_store.engine)
    assert "could not book" in rows and "ServerError" in rows  # the failures really were recorded
    assert any("gave up" in r.getMessage() for r in caplog.records)
    assert {"logs": _leaks(logged), "rows": _leaks(rows), "answers": _leaks(repr(answers))} == {
        "logs": [], "rows": [], "answers": []}
    assert raw_answer.split(b" ")[1] == b"400", raw_answer  # answered, not dropped by a crashing log line


def test_the_log_store_failing_leaks_no_secret(no_log_redaction, tmp_path, clock, caplog):
    store = WebhookLogStore.from_url(f"sqlite:///{tmp_path / 'gone.sqlite3'}")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE mollie_webhook_log")
    client = Client(WebhookApp(WebhookIngestService(store, NullQueue(), StaticSecrets(SECRETS), clock=clock)))
    caplog.set_level(logging.DEBUG)
    answers = [_classic(client), _classic(client, secret=NEAR_MISS)]
    assert [status for status, _ in answers] == [503, 403]
    assert "could not persist" in caplog.text and "could not log a rejected" in caplog.text
    assert _leaks(caplog.text + repr(answers)) == []
    store.engine.dispose()
