"""A drain worker that stops dead in the middle of a batch, for a test to SIGKILL it there.

Run as `python -m tests.webhooks.drain_until_killed <store url> <redis url> <lock prefix> <emulator
base url> <api key> <journal> <stop at>`. It drains the log in batches of 10 with 4 fetch threads;
its handler appends each effect key to the journal (fsync'd) and, at the `stop at`-th effect, prints
`mid-batch <effect key>` and waits forever — its effect applied, its key not yet recorded, the
rest of its batch claimed and leased, fetch threads holding resource locks (which expire after 1 s).
"""

from __future__ import annotations

import os
import sys
import threading

from verenigingen.verenigingen_payments.clients.config import MollieConfig
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore
from verenigingen.verenigingen_payments.webhooks import HandlerRegistry, WebhookProcessor
from verenigingen.verenigingen_payments.webhooks.batch import BatchDrainer
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks


def main(store_url, redis_url, lock_prefix, base_url, api_key, journal_path, stop_at) -> None:
    config = MollieConfig(api_key=api_key, base_url=base_url, account="Production", retry_max_attempts=1,
                          rate_limit_requests_per_second=1000.0, circuit_breaker_failure_threshold=1000)
    applied = []

    def journal(effect) -> None:
        with open(journal_path, "a") as out:
            out.write(effect.effect_key + "\n")
            out.flush()
            os.fsync(out.fileno())
        applied.append(effect.effect_key)
        if len(applied) == int(stop_at):
            print(f"mid-batch {effect.effect_key}", flush=True)
            threading.Event().wait()

    registry = HandlerRegistry()
    registry.register("payment", journal)
    store = WebhookLogStore.from_url(store_url)
    locks = RedisResourceLocks.from_url(redis_url, prefix=lock_prefix, timeout=1.0)
    processor = WebhookProcessor(store, ClientsResourceFetcher(lambda account: config), registry, locks)
    BatchDrainer(store, processor, locks, batch_size=10, concurrency=4).drain()
    print("drained without stopping", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
