"""Every bad input gets a clear 4xx over real HTTP and leaves a log row; nothing gets a 500.

One test per rejection path, as stripe-python's webhook tests do for signatures.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from verenigingen.verenigingen_payments.core.security.encryption import FieldCipher
from verenigingen.verenigingen_payments.core.security.keys import KeyRing, generate_key_spec
from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus
from verenigingen.verenigingen_payments.webhooks import (
    StaticSecrets,
    WebhookApp,
    WebhookIngestService,
    WebhookSecrets,
    WebhookSettings,
    signature_header,
)
from verenigingen.verenigingen_payments.webhooks.ingest import body_context
from verenigingen.verenigingen_payments.webhooks.rate_limit import ClientRateLimiter
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .conftest import CLASSIC_SECRET, SIGNING_SECRET, serving

SECRETS = WebhookSecrets(classic={"Production": [CLASSIC_SECRET]}, signing={"Production": [SIGNING_SECRET]})
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _event(clock, **overrides) -> bytes:
    event = {"resource": "event", "id": "event_GvJ8WHrp5isUdRub9CJyH", "type": "payment.paid",
             "entityId": "tr_abc123", "createdAt": clock().isoformat()}
    event.update(overrides)
    return json.dumps(event).encode()


def _signed(body: bytes, secret: str = SIGNING_SECRET) -> dict:
    return {"Content-Type": "application/json", "X-Mollie-Signature": signature_header(body, secret)}


@pytest.fixture
def endpoint(webhook_store, clock, redis_url, redis_prefix):
    limiter = ClientRateLimiter.on_redis(redis_url, limit="5/minute", key_prefix=redis_prefix + "limit")
    service = WebhookIngestService(
        webhook_store, NullQueue(), StaticSecrets(SECRETS),
        settings=WebhookSettings(max_body_bytes=1024), rate_limiter=limiter, clock=clock,
    )
    with serving(WebhookApp(service)) as url:
        yield url


def _only_row(store):
    rows = store.find()
    assert len(rows) == 1, rows
    return rows[0]


def _assert_rejected(response, store, reason: str, status: int):
    assert response.status_code == status
    assert response.json()["reason"] == reason
    row = _only_row(store)
    assert (row.status, row.rejection_reason, row.http_status) == (WebhookStatus.REJECTED, reason, status)
    return row


def test_get_is_refused(endpoint, http, webhook_store):
    _assert_rejected(http.get(endpoint), webhook_store, "method_not_allowed", 405)


def test_wrong_content_type_is_refused(endpoint, http, webhook_store):
    response = http.post(endpoint, params={"secret": CLASSIC_SECRET}, data=b"id=tr_abc",
                         headers={"Content-Type": "text/plain"})
    _assert_rejected(response, webhook_store, "unsupported_media_type", 415)


def test_an_oversized_body_is_refused_without_storing_it(endpoint, http, webhook_store):
    response = http.post(endpoint, params={"secret": CLASSIC_SECRET}, data=b"id=tr_abc&x=" + b"a" * 2000,
                         headers=FORM)
    row = _assert_rejected(response, webhook_store, "payload_too_large", 413)
    assert row.body is None


def test_a_classic_webhook_without_secret_is_refused(endpoint, http, webhook_store):
    response = http.post(endpoint, data={"id": "tr_abc"})
    row = _assert_rejected(response, webhook_store, "missing_secret", 401)
    assert row.signature_result == "missing_secret"


def test_a_classic_webhook_with_a_wrong_secret_is_refused_and_the_secret_is_not_stored(
    endpoint, http, webhook_store
):
    response = http.post(endpoint, params={"secret": "guessed-secret-1234"}, data={"id": "tr_abc"})
    row = _assert_rejected(response, webhook_store, "invalid_secret", 403)
    assert "guessed-secret-1234" not in repr(row)


def test_a_classic_webhook_without_id_is_refused(endpoint, http, webhook_store):
    response = http.post(endpoint, params={"secret": CLASSIC_SECRET}, data={"other": "x"})
    _assert_rejected(response, webhook_store, "missing_id", 400)


def test_a_malformed_id_is_refused(endpoint, http, webhook_store):
    response = http.post(endpoint, params={"secret": CLASSIC_SECRET}, data={"id": "tr_abc'; DROP TABLE"})
    _assert_rejected(response, webhook_store, "malformed_id", 400)


def test_an_unknown_prefix_is_refused(endpoint, http, webhook_store):
    response = http.post(endpoint, params={"secret": CLASSIC_SECRET}, data={"id": "xyz_abc123"})
    _assert_rejected(response, webhook_store, "unknown_prefix", 422)


def test_an_event_without_signature_is_refused(endpoint, http, webhook_store, clock):
    response = http.post(endpoint, data=_event(clock), headers={"Content-Type": "application/json"})
    _assert_rejected(response, webhook_store, "missing_signature", 401)


def test_an_event_with_a_malformed_signature_header_is_refused(endpoint, http, webhook_store, clock):
    response = http.post(endpoint, data=_event(clock),
                         headers={"Content-Type": "application/json", "X-Mollie-Signature": "nonsense"})
    _assert_rejected(response, webhook_store, "malformed_signature_header", 400)


def test_an_event_signed_with_another_scheme_is_refused(endpoint, http, webhook_store, clock):
    body = _event(clock)
    headers = _signed(body) | {"X-Mollie-Signature": signature_header(body, SIGNING_SECRET).replace("sha256", "md5")}
    _assert_rejected(http.post(endpoint, data=body, headers=headers), webhook_store,
                     "unsupported_signature_scheme", 400)


def test_an_event_with_a_bad_signature_is_refused(endpoint, http, webhook_store, clock):
    body = _event(clock)
    response = http.post(endpoint, data=body, headers=_signed(body, "not-our-signing-secret"))
    row = _assert_rejected(response, webhook_store, "invalid_signature", 403)
    assert row.resource_id is None  # the body was never parsed


def test_a_signed_body_that_is_not_json_is_refused(endpoint, http, webhook_store):
    body = b"{not json"
    _assert_rejected(http.post(endpoint, data=body, headers=_signed(body)), webhook_store, "malformed_json", 400)


def test_a_signed_event_missing_its_fields_is_refused(endpoint, http, webhook_store):
    body = json.dumps({"resource": "event", "entityId": "tr_abc123"}).encode()
    _assert_rejected(http.post(endpoint, data=body, headers=_signed(body)), webhook_store, "invalid_event", 422)


def test_a_signed_event_for_an_unknown_entity_prefix_is_refused(endpoint, http, webhook_store, clock):
    body = _event(clock, entityId="zz_abc123")
    _assert_rejected(http.post(endpoint, data=body, headers=_signed(body)), webhook_store, "unknown_prefix", 422)


def test_an_event_older_than_the_window_is_refused(endpoint, http, webhook_store, clock):
    body = _event(clock, createdAt=(clock() - timedelta(hours=49)).isoformat())
    row = _assert_rejected(http.post(endpoint, data=body, headers=_signed(body)), webhook_store,
                           "event_too_old", 422)
    assert row.resource_id == "tr_abc123"  # kept so an operator can replay it


def test_a_flood_of_bad_requests_is_rate_limited_but_mollie_still_gets_through(endpoint, http, webhook_store):
    statuses = [http.post(endpoint, params={"secret": "wrong-secret-000"}, data={"id": "tr_abc"}).status_code
                for _ in range(8)]
    assert statuses == [403] * 5 + [429] * 3
    assert len(webhook_store.find()) == 5  # the flood does not fill the table
    genuine = http.post(endpoint, params={"secret": CLASSIC_SECRET}, data={"id": "tr_abc"})
    assert genuine.status_code == 200


def test_an_accepted_delivery_is_persisted_before_the_answer_with_redacted_headers(
    endpoint, http, webhook_store
):
    response = http.post(endpoint, params={"secret": CLASSIC_SECRET}, data={"id": "tr_abc"},
                         headers={"Authorization": "Bearer live_abcdefghijklmnopqrstuvwxyz"})
    assert response.status_code == 200
    assert response.json() == {"status": "retry_queued", "resource_id": "tr_abc"}
    row = _only_row(webhook_store)
    assert (row.status, row.source, row.signature_result, row.resource_type) == (
        WebhookStatus.RECEIVED, "classic", "valid_secret", "payment")
    assert "live_abcdefghijklmnopqrstuvwxyz" not in row.headers
    assert CLASSIC_SECRET not in repr(row)


def test_a_repeated_event_id_is_acknowledged_as_duplicate(endpoint, http, webhook_store, clock):
    body = _event(clock)
    first = http.post(endpoint, data=body, headers=_signed(body))
    second = http.post(endpoint, data=body, headers=_signed(body))
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["status"] == "duplicate"
    assert sorted(r.status.value for r in webhook_store.find()) == ["duplicate", "received"]


def test_bodies_are_encrypted_at_rest_when_encryption_is_on(webhook_store, clock, http):
    cipher = FieldCipher(KeyRing.from_spec(generate_key_spec("k1")))
    service = WebhookIngestService(webhook_store, NullQueue(), StaticSecrets(SECRETS), cipher=cipher, clock=clock)
    body = _event(clock)
    with serving(WebhookApp(service)) as url:
        assert http.post(url, data=body, headers=_signed(body)).status_code == 200
    row = _only_row(webhook_store)
    assert row.body_encrypted and b"tr_abc123" not in row.body
    assert cipher.decrypt(row.body.decode(), body_context(row.id)) == body


def test_an_unknown_path_is_404_and_not_logged(endpoint, http, webhook_store):
    assert http.post(endpoint + "x", data={"id": "tr_abc"}).status_code == 404
    assert webhook_store.find() == []




def test_the_access_log_never_shows_the_secret(endpoint, http, caplog):
    with caplog.at_level("INFO", logger="werkzeug"):
        http.post(endpoint, params={"secret": CLASSIC_SECRET}, data={"id": "tr_abc"})
    assert "mollie_webhook" in caplog.text
    assert CLASSIC_SECRET not in caplog.text


def test_when_the_log_cannot_be_written_the_answer_is_503_so_mollie_retries(endpoint, http, webhook_store):
    with webhook_store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE mollie_webhook_log")
    response = http.post(endpoint, params={"secret": CLASSIC_SECRET}, data={"id": "tr_abc"})
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})
