"""Exactly once under a SIGKILL mid-batch: a real drain worker process is killed while one effect's
handler has run but its key is not yet recorded and the rest of its batch is claimed and leased. Once
the leases have run out, the retry job and another drainer finish every row; each payment's state is
recorded once, and the only handler that ran twice is the one the kill interrupted (handlers are
idempotent by effect key, as the contract says)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus
from verenigingen.verenigingen_payments.webhooks.batch import BatchDrainer
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .wiring import wire

REPO_ROOT = Path(__file__).resolve().parents[2]
PAYMENTS = 14  # more than one batch of 10: some rows are never claimed by the killed worker
STOP_AT = 3


def test_a_worker_killed_mid_batch_loses_nothing_and_records_each_state_once(
    stack, emulator, webhook_store, sql_store_url, redis_url, redis_prefix, clock, tmp_path
):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock, queue=NullQueue())
    payment_ids = [wired.open_payment() for _ in range(PAYMENTS)]
    for payment_id in payment_ids:
        emulator.control.trigger("payment.paid", payment_id)
    assert emulator.control.wait_for_webhooks(timeout=30)
    journal = tmp_path / "journal"

    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.webhooks.drain_until_killed", sql_store_url, redis_url, redis_prefix + "lock:",
         emulator.base_url, emulator.api_key, str(journal), str(STOP_AT)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    stack.callback(lambda: worker.poll() is None and worker.kill())
    said, _, interrupted_key = worker.stdout.readline().strip().partition(" ")
    assert said == "mid-batch"
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=20) == -signal.SIGKILL

    left = webhook_store.count_by_status()
    assert left["processed"] == STOP_AT - 1 and left["processing"] >= 1 and left.get("received", 0) >= 1
    assert wired.runtime.recovery.run_due() == []  # leases still running: nobody may take those rows yet
    clock.now = datetime.now(timezone.utc) + timedelta(minutes=6)  # the worker's leases (5 min) ran out
    assert len(wired.runtime.recovery.run_due()) == PAYMENTS - (STOP_AT - 1)
    locks = RedisResourceLocks.from_url(redis_url, prefix=redis_prefix + "lock:", blocking_timeout=20)
    report = BatchDrainer(webhook_store, wired.runtime.processor, locks, clock=clock).drain()

    assert (report.rows, report.more_due) == (PAYMENTS - (STOP_AT - 1), False)
    assert webhook_store.count_by_status() == {"processed": PAYMENTS}
    assert all(len(webhook_store.effects_for(payment_id)) == 1 for payment_id in payment_ids)
    calls = Counter(journal.read_text().split() + [e.effect_key for e in wired.recorder.effects])
    assert set(calls) == {webhook_store.effects_for(p)[0] for p in payment_ids}
    assert {key: n for key, n in calls.items() if n > 1} == {interrupted_key: 2}
    interrupted = [r for r in webhook_store.find(status=WebhookStatus.PROCESSED) if r.effect_key == interrupted_key]
    assert [r.attempts for r in interrupted] == [2]
