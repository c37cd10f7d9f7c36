"""Contract of the webhook log store, on an SQLite file and on the real MariaDB."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from verenigingen.verenigingen_payments.store.webhook_log import (
    DuplicateEventError,
    NewWebhookLog,
    WebhookStatus,
)


def _row(clock, **overrides) -> NewWebhookLog:
    values = dict(
        id=uuid.uuid4().hex, source="classic", status=WebhookStatus.RECEIVED, http_status=200,
        signature_result="valid_secret", headers="{}", received_at=clock(), body=b"id=tr_abc",
        body_size=9, webhook_id="tr_abc", resource_type="payment", resource_id="tr_abc",
    )
    values.update(overrides)
    return NewWebhookLog(**values)


def test_a_recorded_row_reads_back_with_aware_times_and_its_body(webhook_store, clock):
    record = webhook_store.record(_row(clock))
    assert record.status is WebhookStatus.RECEIVED
    assert record.received_at == clock()
    assert record.body == b"id=tr_abc"
    assert record.processed is False and record.attempts == 0


def test_the_deployment_guides_index_exists(webhook_store):
    indexes = sa.inspect(webhook_store.engine).get_indexes("mollie_webhook_log")
    assert {"name": "idx_webhook_processed", "columns": ["webhook_id", "processed"]} in [
        {"name": i["name"], "columns": i["column_names"]} for i in indexes
    ]


def test_a_second_row_with_the_same_event_dedupe_key_is_refused(webhook_store, clock):
    webhook_store.record(_row(clock, dedupe_key="event:event_1"))
    with pytest.raises(DuplicateEventError):
        webhook_store.record(_row(clock, dedupe_key="event:event_1"))


def test_only_one_of_many_concurrent_claims_wins(webhook_store, clock):
    record = webhook_store.record(_row(clock))
    results = []
    barrier = threading.Barrier(8)

    def claim():
        barrier.wait()
        results.append(webhook_store.claim(record.id, now=clock(), lease=timedelta(minutes=5)))

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r is not None]
    assert len(winners) == 1 and winners[0].attempts == 1
    assert winners[0].status is WebhookStatus.PROCESSING


def test_a_processing_row_is_claimable_again_only_after_its_lease_ran_out(webhook_store, clock):
    record = webhook_store.record(_row(clock))
    assert webhook_store.claim(record.id, now=clock(), lease=timedelta(minutes=5)) is not None
    assert webhook_store.claim(record.id, now=clock() + timedelta(minutes=4), lease=timedelta(minutes=5)) is None
    again = webhook_store.claim(record.id, now=clock() + timedelta(minutes=6), lease=timedelta(minutes=5))
    assert again is not None and again.attempts == 2


def test_a_failed_row_is_due_at_its_next_attempt_and_not_before(webhook_store, clock):
    record = webhook_store.record(_row(clock))
    webhook_store.claim(record.id, now=clock(), lease=timedelta(minutes=5))
    webhook_store.fail(record.id, error="ServerError: 503", next_attempt_at=clock() + timedelta(minutes=1),
                       processing_ms=3)
    stale_before = clock() - timedelta(minutes=2)
    assert webhook_store.due_ids(now=clock(), stale_before=stale_before) == []
    assert webhook_store.claim(record.id, now=clock(), lease=timedelta(minutes=5)) is None
    later = clock() + timedelta(minutes=1)
    assert webhook_store.due_ids(now=later, stale_before=stale_before) == [record.id]


def test_a_final_failure_is_never_due_again(webhook_store, clock):
    record = webhook_store.record(_row(clock))
    webhook_store.claim(record.id, now=clock(), lease=timedelta(minutes=5))
    webhook_store.fail(record.id, error="gave up", next_attempt_at=None, processing_ms=1)
    far = clock() + timedelta(days=3)
    assert webhook_store.due_ids(now=far, stale_before=far) == []
    assert webhook_store.claim(record.id, now=far, lease=timedelta(minutes=5)) is None


def test_a_received_row_nobody_picked_up_becomes_due_once_stale(webhook_store, clock):
    record = webhook_store.record(_row(clock))
    assert webhook_store.due_ids(now=clock(), stale_before=clock() - timedelta(minutes=2)) == []
    later = clock() + timedelta(minutes=3)
    assert webhook_store.due_ids(now=later, stale_before=later - timedelta(minutes=2)) == [record.id]


def test_finishing_marks_the_row_processed_for_the_guides_index(webhook_store, clock):
    record = webhook_store.record(_row(clock))
    webhook_store.claim(record.id, now=clock(), lease=timedelta(minutes=5))
    webhook_store.finish(record.id, WebhookStatus.PROCESSED, now=clock(), processing_ms=12, effect_key="k1")
    done = webhook_store.get(record.id)
    assert (done.status, done.processed, done.processing_ms, done.effect_key) == (
        WebhookStatus.PROCESSED, True, 12, "k1")
    assert [r.id for r in webhook_store.find(webhook_id="tr_abc")] == [record.id]


def test_an_effect_key_is_recorded_once_and_its_twin_row_closes_as_duplicate(webhook_store, clock):
    first, twin = webhook_store.record(_row(clock)), webhook_store.record(_row(clock))
    kwargs = dict(resource_type="payment", resource_id="tr_abc", status="paid", now=clock(), processing_ms=5)
    for record in (first, twin):
        webhook_store.claim(record.id, now=clock(), lease=timedelta(minutes=5))
    assert webhook_store.finish_with_effect(first.id, "payment:tr_abc:paid:1", **kwargs) is WebhookStatus.PROCESSED
    assert webhook_store.finish_with_effect(twin.id, "payment:tr_abc:paid:1", **kwargs) is WebhookStatus.DUPLICATE
    assert webhook_store.effect_applied("payment:tr_abc:paid:1")
    assert webhook_store.effects_for("tr_abc") == ["payment:tr_abc:paid:1"]
    assert [webhook_store.get(r.id).status for r in (first, twin)] == [WebhookStatus.PROCESSED, WebhookStatus.DUPLICATE]


def test_replay_selects_by_id_failed_or_date_and_refuses_no_selection(webhook_store, clock):
    first = webhook_store.record(_row(clock))
    clock.advance(timedelta(hours=1))
    second = webhook_store.record(_row(clock))
    webhook_store.claim(second.id, now=clock(), lease=timedelta(minutes=5))
    webhook_store.fail(second.id, error="x", next_attempt_at=None, processing_ms=1)
    assert [r.id for r in webhook_store.replay_candidates(ids=[first.id])] == [first.id]
    assert [r.id for r in webhook_store.replay_candidates(failed=True)] == [second.id]
    assert [r.id for r in webhook_store.replay_candidates(since=clock())] == [second.id]
    with pytest.raises(ValueError):
        webhook_store.replay_candidates()
