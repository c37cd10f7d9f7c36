"""The one refusal the webhook log never records (a rate-limited flood) still reaches the metrics."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.observability.exposition import scrape_registry
from verenigingen.verenigingen_payments.observability.webhook_metrics import InstrumentedIngest
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore
from verenigingen.verenigingen_payments.webhooks import StaticSecrets, WebhookIngestService, WebhookSecrets
from verenigingen.verenigingen_payments.webhooks.ingest import IncomingDelivery
from verenigingen.verenigingen_payments.webhooks.rate_limit import ClientRateLimiter
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue


def rate_limited_total() -> float:
    value = scrape_registry().get_sample_value("mollie_webhooks_rejected_total", {"reason": "rate_limited"})
    return value or 0.0


@pytest.fixture
def ingest(tmp_path, redis_url, redis_prefix):
    store = WebhookLogStore.from_url(f"sqlite:///{tmp_path / 'webhooks.sqlite3'}")
    limiter = ClientRateLimiter.on_redis(redis_url, limit="2/minute", key_prefix=redis_prefix + "limit")
    secrets = StaticSecrets(WebhookSecrets(classic={"Production": ["the-real-secret-0123456789"]}, signing={}))
    yield InstrumentedIngest(WebhookIngestService(store, NullQueue(), secrets, rate_limiter=limiter))
    store.engine.dispose()


def test_rate_limited_refusals_are_counted_and_nothing_else_is(ingest):
    before = rate_limited_total()
    bad = IncomingDelivery(method="POST", content_type="application/x-www-form-urlencoded", headers={},
                           body=b"id=tr_abc123", query={"secret": "a-wrong-secret-000"}, client_ip="127.0.0.9")
    statuses = [ingest.ingest(bad).http_status for _ in range(4)]
    assert statuses == [403, 403, 429, 429]
    assert rate_limited_total() - before == 2
