"""Batch draining: one drainer claims due rows under leases and closes each exactly once, twins of one
resource in the same batch included; a failing fetch is retried like any other; a time slice that ends
with rows due says so (the job then queues a successor); a burst of deliveries wakes one drain job."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis

from verenigingen.verenigingen_payments.webhooks.batch import BatchDrainer
from verenigingen.verenigingen_payments.webhooks.drain_gate import DrainGate, DrainQueue
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks
from verenigingen.verenigingen_payments.webhooks.retry_policy import RetryPolicy
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .wiring import wire


@pytest.fixture
def wired(stack, emulator, webhook_store, redis_url, redis_prefix, clock):
    return wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock, queue=NullQueue())


def drainer(wired, redis_url, redis_prefix, clock, **kwargs) -> BatchDrainer:
    locks = RedisResourceLocks.from_url(redis_url, prefix=redis_prefix + "lock:", blocking_timeout=20)
    return BatchDrainer(wired.runtime.store, wired.runtime.processor, locks, clock=clock, **kwargs)


def delivered(wired, count: int) -> list[str]:
    """`count` payments paid in the emulator, each delivered and logged as `received` (nobody processes)."""
    payment_ids = [wired.open_payment() for _ in range(count)]
    for payment_id in payment_ids:
        wired.emulator.control.trigger("payment.paid", payment_id)
    assert wired.emulator.control.wait_for_webhooks(timeout=30)
    return payment_ids


def test_a_drainer_closes_every_due_row_once_in_batches_and_applies_each_state_once(
    wired, redis_url, redis_prefix, clock
):
    payment_ids = delivered(wired, 7)
    twin = payment_ids[0]
    wired.post_classic(twin)  # a redelivery: two rows of one resource, likely in the same batch
    report = drainer(wired, redis_url, redis_prefix, clock, batch_size=3, concurrency=3).drain()
    assert (report.rows, report.passes, report.more_due) == (8, 3, False)
    assert wired.runtime.store.count_by_status() == {"processed": 7, "duplicate": 1}
    assert sorted(e.resource_id for e in wired.recorder.effects) == sorted(payment_ids)
    assert wired.statuses(twin) == ["duplicate", "processed"]
    assert all(row.attempts == 1 for row in wired.runtime.store.find())


def test_a_failing_fetch_is_retried_later_and_the_rest_of_the_batch_is_processed(
    wired, emulator, redis_url, redis_prefix, clock
):
    payment_ids = delivered(wired, 4)
    emulator.control.inject_fault(method="GET", path=f"/v2/payments/{payment_ids[1]}", status=503, count=1)
    report = drainer(wired, redis_url, redis_prefix, clock, batch_size=10).drain()
    assert (report.rows, report.more_due) == (4, False)
    assert wired.statuses(payment_ids[1]) == ["failed"]
    assert wired.runtime.store.find(resource_id=payment_ids[1])[0].next_attempt_at > clock()
    clock.advance(timedelta(minutes=5))
    assert drainer(wired, redis_url, redis_prefix, clock).drain().rows == 1
    assert wired.runtime.store.count_by_status() == {"processed": 4}
    assert sorted(e.resource_id for e in wired.recorder.effects) == sorted(payment_ids)


class SteppingClock:
    """Moves on by `step` each time it is read: a time slice that ends after a known number of reads."""

    def __init__(self, start, step: timedelta) -> None:
        self.now, self.step = start, step

    def __call__(self):
        current = self.now
        self.now += self.step
        return current


def test_a_time_slice_that_ends_with_rows_due_reports_them_for_a_successor(wired, redis_url, redis_prefix, clock):
    delivered(wired, 5)
    stepping = SteppingClock(clock(), timedelta(seconds=1))
    first = drainer(wired, redis_url, redis_prefix, stepping, batch_size=2,
                    time_slice=timedelta(seconds=3)).drain()
    assert first.more_due and 0 < first.rows < 5
    second = drainer(wired, redis_url, redis_prefix, clock, batch_size=2).drain()
    assert (first.rows + second.rows, second.more_due) == (5, False)
    assert wired.runtime.store.count_by_status() == {"processed": 5}


def test_a_burst_of_deliveries_wakes_one_drain_job_until_it_starts(redis_url, redis_prefix):
    gate = DrainGate(redis.Redis.from_url(redis_url), redis_prefix + "drain-waiting")
    started = []
    queue = DrainQueue(gate, lambda: started.append(len(started)))
    for n in range(100):
        queue.submit(f"row-{n}")
    assert started == [0]
    gate.started()  # the job begins: the next delivery may queue another behind it
    for n in range(100):
        queue.submit(f"row-{n}")
    assert started == [0, 1]


def test_a_drain_job_that_could_not_be_queued_leaves_the_gate_open_for_the_next_delivery(redis_url, redis_prefix):
    gate = DrainGate(redis.Redis.from_url(redis_url), redis_prefix + "drain-waiting")

    def unreachable_queue():
        raise ConnectionError("RQ is down")

    with pytest.raises(ConnectionError):
        DrainQueue(gate, unreachable_queue).submit("row-1")
    assert gate.open()


def rows_of(wired, payment_ids):
    return [row for p in payment_ids for row in wired.runtime.store.find(resource_id=p)]


def test_a_429_pauses_the_drain_for_its_retry_after_without_counting_an_attempt(
    wired, emulator, redis_url, redis_prefix, clock
):
    payment_ids = delivered(wired, 6)
    fault = emulator.control.inject_fault(method="GET", path="/v2/payments/*", status=429, retry_after=30, count=1)
    report = drainer(wired, redis_url, redis_prefix, clock, batch_size=10, concurrency=1).drain()
    assert (report.rows, report.more_due, report.paused_until) == (6, False, clock() + timedelta(seconds=30))
    assert [f["hits"] for f in emulator.control.faults() if f["id"] == fault["id"]] == [1]  # Mollie asked once
    assert {(row.status.value, row.attempts, row.next_attempt_at) for row in rows_of(wired, payment_ids)} == {
        ("failed", 0, report.paused_until)}
    clock.advance(timedelta(seconds=29))
    assert drainer(wired, redis_url, redis_prefix, clock).drain().rows == 0
    clock.advance(timedelta(seconds=1))
    assert drainer(wired, redis_url, redis_prefix, clock).drain().rows == 6
    assert wired.runtime.store.count_by_status() == {"processed": 6}
    assert sorted(e.resource_id for e in wired.recorder.effects) == sorted(payment_ids)
    assert {row.attempts for row in rows_of(wired, payment_ids)} == {1}


def test_an_outage_longer_than_the_retry_budget_gives_nothing_up_and_applies_each_state_once_after(
    wired, emulator, redis_url, redis_prefix, clock
):
    payment_ids = delivered(wired, 4)
    emulator.control.inject_fault(method="GET", path="/v2/payments/*", drop=True, probability=1.0)
    policy = RetryPolicy()
    for _ in range(policy.max_attempts + 2):  # every minute for longer than the delivery's own attempts last
        report = drainer(wired, redis_url, redis_prefix, clock, concurrency=2).drain()
        assert report.rows == 4 and report.paused_until == clock() + policy.base_delay
        clock.advance(policy.base_delay)
    assert wired.gave_up == []
    assert {(row.status.value, row.attempts) for row in rows_of(wired, payment_ids)} == {("failed", 0)}
    emulator.control.clear_faults()  # Mollie is back
    assert drainer(wired, redis_url, redis_prefix, clock).drain().rows == 4
    assert wired.runtime.store.count_by_status() == {"processed": 4}
    assert sorted(e.resource_id for e in wired.recorder.effects) == sorted(payment_ids)


def test_a_server_error_still_counts_as_an_attempt_of_its_delivery(wired, emulator, redis_url, redis_prefix, clock):
    payment_ids = delivered(wired, 3)
    emulator.control.inject_fault(method="GET", path=f"/v2/payments/{payment_ids[0]}", status=500, count=1)
    report = drainer(wired, redis_url, redis_prefix, clock, concurrency=1).drain()
    assert (report.rows, report.paused_until) == (3, None)
    failed, = wired.runtime.store.find(resource_id=payment_ids[0])
    assert (failed.status.value, failed.attempts) == ("failed", 1)
    assert wired.runtime.store.count_by_status() == {"processed": 2, "failed": 1}
