"""Draining a webhook backlog with batch workers: how close to the Mollie rate limit, never above it.

N received rows (classic deliveries of the emulator's payments, one per payment while they last) are
written to the SQL store; then `--workers` processes, each a `BatchDrainer` (batches of 50, 8 fetch
threads, the built-in ledger handler on the same store), drain them through the typed clients, all
sharing one Redis rate limiter at `--rate` requests/s (the app's default: 25). The floor is the
configured rate limit itself: `vs_rate_limit` = drained_per_s / rate_limit_rps (goal: >= 0.8 with one
worker; with two, the rate must still not exceed the limit). `max_in_any_second` counts the API
requests the emulator received in the busiest one-second window while draining (the limiter's
token bucket allows rate + burst in any second, burst = rate/5: `limit_with_burst`). Lost (a row not
finished) and doubled (a state recorded twice) must both be 0.

Faults (the same guarantees must hold): `--throttle P` makes the emulator answer a share P of the
fetches with 429 and `Retry-After: 1` for the whole run; `--outage S --outage-after A` makes every
fetch fail (connection dropped) for S seconds, A seconds after the drain starts. A drainer that finds
Mollie out of reach pauses (the rows wait, uncounted) and the workers resume when the pause is over.

Rerun:  .venv/bin/python benchmarks/bench_webhook_drain.py [--workers 1] [--count 2000] [--rate 25]
        [--store-url mysql+pymysql://root@127.0.0.1:3306/bench_webhook_drain]   (default: SQLite file)
        [--throttle 0.05] [--outage 60 --outage-after 20]
        Needs Redis on 127.0.0.1:6379 (or VERENIGINGEN_TEST_REDIS_URL).
Prints one JSON line of figures at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from benchmarks.bench_webhooks import EmulatorProcess, payment_statuses  # noqa: E402
from verenigingen.verenigingen_payments.clients.config import MollieConfig  # noqa: E402
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger  # noqa: E402
from verenigingen.verenigingen_payments.store.sql.tables.webhooks import webhook_effect, webhook_log  # noqa: E402
from verenigingen.verenigingen_payments.store.webhook_log import NewWebhookLog, WebhookLogStore, WebhookStatus  # noqa: E402
from verenigingen.verenigingen_payments.webhooks import HandlerRegistry, WebhookProcessor  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.batch import BatchDrainer  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.builtin_handlers import LedgerEffects  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks  # noqa: E402

REDIS_URL = os.environ.get("VERENIGINGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BATCH = 50
CONCURRENCY = 8


def seed_rows(store: WebhookLogStore, payment_ids: list[str], count: int) -> None:
    now = datetime.now(timezone.utc)
    for n in range(count):
        payment_id = payment_ids[n % len(payment_ids)]
        store.record(NewWebhookLog(
            id=uuid.uuid4().hex, source="classic", status=WebhookStatus.RECEIVED, http_status=200,
            signature_result="valid_secret", headers="{}", received_at=now + timedelta(microseconds=n),
            body=f"id={payment_id}".encode(), body_size=3 + len(payment_id), webhook_id=payment_id,
            account="Production", resource_type="payment", resource_id=payment_id))


def worker(store_url: str, base_url: str, api_key: str, rate: float, prefix: str, go, done) -> None:
    config = MollieConfig(api_key=api_key, base_url=base_url, account="Production", redis_url=REDIS_URL,
                          redis_key_prefix=prefix, rate_limit_requests_per_second=rate,
                          rate_limit_max_wait=60.0, retry_max_attempts=3)
    store = WebhookLogStore.from_url(store_url)
    fetcher = ClientsResourceFetcher(lambda account: config)
    registry = HandlerRegistry()
    registry.register("payment", LedgerEffects(SqlPaymentLedger(store.engine), fetcher).on_payment)
    locks = RedisResourceLocks.from_url(REDIS_URL, prefix=prefix + "lock:", blocking_timeout=60)
    drainer = BatchDrainer(store, WebhookProcessor(store, fetcher, registry, locks), locks,
                           batch_size=BATCH, concurrency=CONCURRENCY, time_slice=timedelta(hours=1))
    go.wait()
    rows = 0
    while True:
        report = drainer.drain()
        rows += report.rows
        if report.rows:
            continue
        if store.oldest_pending_received_at() is None:
            break
        time.sleep(0.25)  # rows wait for a pause or a retry to come due
    done.put(rows)


class Faults:
    """The run's faults in the emulator, and what they did (hits are kept across the outage's end)."""

    def __init__(self, emulator, throttle: float) -> None:
        self.emulator, self.throttle = emulator, throttle
        self.hits = Counter()

    def start(self) -> None:
        if self.throttle:
            self.emulator.control.inject_fault(method="GET", path="/v2/payments/*", status=429, retry_after=1,
                                               probability=self.throttle)

    def outage(self, seconds: float) -> None:
        """Every fetch fails (connection dropped) for `seconds`; the throttle, if any, goes on."""
        self.emulator.control.inject_fault(method="GET", path="/v2/payments/*", drop=True, probability=1.0)
        time.sleep(seconds)
        self._count_and_clear()
        self.start()

    def _count_and_clear(self) -> None:
        for fault in self.emulator.control.faults():
            self.hits["dropped" if fault["drop"] else "answered_429"] += fault["hits"]
        self.emulator.control.clear_faults()

    def totals(self) -> Counter:
        self._count_and_clear()
        return self.hits


def busiest_second(times: list[float]) -> int:
    stamps = sorted(times)
    best, start = 0, 0
    for end, stamp in enumerate(stamps):
        while stamp - stamps[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--store-url")
    parser.add_argument("--throttle", type=float, default=0.0, help="share of fetches answered 429")
    parser.add_argument("--outage", type=float, default=0.0, help="seconds every fetch fails")
    parser.add_argument("--outage-after", type=float, default=20.0)
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store_url = args.store_url or f"sqlite:///{Path(tmp.name) / 'drain.sqlite3'}"
    store = WebhookLogStore.from_url(store_url)
    with store.engine.begin() as conn:
        conn.execute(webhook_effect.delete())
        conn.execute(webhook_log.delete())
    emulator = EmulatorProcess(1.0)
    try:
        payment_ids = sorted(payment_statuses(emulator))
        seed_rows(store, payment_ids, args.count)
        prefix = f"bench-drain-{uuid.uuid4().hex[:8]}:"
        ctx = multiprocessing.get_context("spawn")
        go, done = ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=worker, args=(store_url, emulator.base_url, emulator.api_key, args.rate, prefix,
                                                  go, done)) for _ in range(args.workers)]
        for proc in procs:
            proc.start()
        time.sleep(3)  # the workers import and connect before the clock starts
        faults = Faults(emulator, args.throttle)
        faults.start()
        outage = threading.Timer(args.outage_after, faults.outage, (args.outage,)) if args.outage else None
        started, wall_start = time.perf_counter(), time.time()
        go.set()
        if outage:
            outage.start()
        per_worker = [done.get(timeout=3600) for _ in procs]
        elapsed = time.perf_counter() - started
        if outage:
            outage.join()
        fault_hits = faults.totals()
        for proc in procs:
            proc.join(timeout=30)
        api_calls = [r["time"] for r in emulator.control.request_log()
                     if r["path"].startswith("/v2/") and r["time"] >= wall_start]
    finally:
        emulator.stop()
    rows = store.find()
    with store.engine.connect() as conn:
        effect_keys = list(conn.scalars(sa.select(webhook_effect.c.effect_key)))
    lost = sum(1 for r in rows if r.status not in (WebhookStatus.PROCESSED, WebhookStatus.DUPLICATE))
    doubled = sum(n - 1 for n in Counter(effect_keys).values() if n > 1) + sum(
        n - 1 for n in Counter(r.effect_key for r in rows if r.status is WebhookStatus.PROCESSED).values() if n > 1)
    drained_per_s = args.count / elapsed
    figures = {
        "benchmark": "bench_webhook_drain", "workers": args.workers, "count": args.count,
        "store": sa.make_url(store_url).get_backend_name(), "seconds": round(elapsed, 2),
        "drained_per_s": round(drained_per_s, 2), "rate_limit_rps": args.rate,
        "vs_rate_limit": round(drained_per_s / args.rate, 3),
        "api_calls": len(api_calls), "max_in_any_second": busiest_second(api_calls),
        "limit_with_burst": args.rate + args.rate / 5, "rows_per_worker": per_worker,
        "lost": lost, "doubled": doubled, "statuses": dict(Counter(r.status.value for r in rows)),
        "throttle": args.throttle, "answered_429": fault_hits["answered_429"],
        "outage_s": args.outage, "dropped": fault_hits["dropped"],
        "attempts_max": max((r.attempts for r in rows), default=0),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    print(f"{args.count} rows, {args.workers} worker(s): {figures['seconds']} s, {figures['drained_per_s']}/s "
          f"= {figures['vs_rate_limit']}x the {args.rate}/s limit; busiest second {figures['max_in_any_second']}; "
          f"lost {lost}, doubled {doubled}")
    print(json.dumps(figures))
    tmp.cleanup()


if __name__ == "__main__":
    main()
