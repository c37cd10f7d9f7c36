"""The backlog gauges: how many webhook rows wait and how old the oldest one is — rows given up on or
finished do not count, a retry still ahead does (SQLite and MariaDB)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tests.webhooks.conftest import FrozenClock
from verenigingen.verenigingen_payments.observability.exposition import scrape_registry
from verenigingen.verenigingen_payments.observability.webhook_metrics import record_webhook_backlog
from verenigingen.verenigingen_payments.store.webhook_log import NewWebhookLog, WebhookLogStore, WebhookStatus


def row(store: WebhookLogStore, received_at, status=WebhookStatus.RECEIVED) -> str:
    log_id = uuid.uuid4().hex
    store.record(NewWebhookLog(id=log_id, source="classic", status=status, http_status=200,
                               signature_result="valid_secret", headers="{}", received_at=received_at,
                               resource_type="payment", resource_id=f"tr_{log_id[:10]}"))
    return log_id


def gauge(name: str) -> float:
    return scrape_registry().get_sample_value(name)


def test_the_gauges_count_waiting_rows_and_age_the_oldest_one_still_to_process(sql_store_url):
    clock = FrozenClock()
    store = WebhookLogStore.from_url(sql_store_url)
    now = clock()
    gave_up = row(store, now - timedelta(hours=5))
    store.claim(gave_up, now=now, lease=timedelta(minutes=5))
    store.fail(gave_up, error="boom", next_attempt_at=None, processing_ms=1)
    row(store, now - timedelta(hours=4), WebhookStatus.PROCESSED)
    retrying = row(store, now - timedelta(minutes=30))
    store.claim(retrying, now=now, lease=timedelta(minutes=5))
    store.fail(retrying, error="503", next_attempt_at=now + timedelta(minutes=2), processing_ms=1)
    row(store, now - timedelta(minutes=3))
    leased = row(store, now - timedelta(minutes=1))
    store.claim(leased, now=now, lease=timedelta(minutes=5))

    assert store.oldest_pending_received_at() == now - timedelta(minutes=30)
    assert record_webhook_backlog(store, now) == (4, 30 * 60.0)  # the depth gauge counts every failed row
    assert (gauge("mollie_webhook_queue_depth"), gauge("mollie_webhook_oldest_pending_age_seconds")) == (4, 1800)


def test_an_empty_backlog_is_age_zero(sql_store_url):
    store = WebhookLogStore.from_url(sql_store_url)
    row(store, FrozenClock()(), WebhookStatus.PROCESSED)
    assert store.oldest_pending_received_at() is None
    assert record_webhook_backlog(store, FrozenClock()()) == (0, 0.0)
