"""Webhook ingestion under faults: nothing lost, nothing applied twice; endpoint cost vs a no-op.

Phase 1 (delivery): the emulator delivers N classic webhooks (default 10,000, round-robin over
every payment of the association-small scenario, with payments paid and refunded mid-run) to the
real endpoint over HTTP, while 20% of resource fetches get a 5xx and, in the middle, the API is
down for 60 s (time-scaled by --time-scale, default 0.05 → 3 s). Mollie's retry schedule, our
retry backoff, the retry job's minute and the breaker's timeout are scaled by the same factor.
Figures: lost (a payment whose latest state never got its effect, or a row not finished), applied
twice (an effect key handled more than once), time until all processed.

Phase 2 (ingest rate): one load generator (8 client threads, classic deliveries) against
(a) the full server: authenticate, persist, queue, workers applying the built-in ledger handlers
    in the background;
(b) the same server with a no-op effect handler (the goal's baseline: ratio a/b ≥ 0.7);
(c) a bare endpoint that reads the body and answers 200 (shows what persist-first costs: a/c).
Each is measured twice, interleaved, best run kept (the machine is shared). p50/p99 are the
latency the client saw from (a). Inline budget is 0 (answer right after persist+queue, as behind
frappe.enqueue); phase 1 uses the same servers.

Rerun:  .venv/bin/python benchmarks/bench_webhooks.py [--deliveries 10000] [--time-scale 0.05]
        [--store-url mysql+pymysql://root@127.0.0.1:3306/bench_webhooks]   (default: SQLite file)
        Needs Redis on 127.0.0.1:6379 (or VERENIGINGEN_TEST_REDIS_URL).
Prints one JSON line of figures at the end.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402
import requests  # noqa: E402

from verenigingen.verenigingen_payments.clients.config import MollieConfig  # noqa: E402
from verenigingen.verenigingen_payments.sandbox import ControlClient  # noqa: E402
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger  # noqa: E402
from verenigingen.verenigingen_payments.store.webhook_log import FINISHED_STATUSES, WebhookLogStore  # noqa: E402
from verenigingen.verenigingen_payments.webhooks import (  # noqa: E402
    WEBHOOK_PATH, HandlerRegistry, RetryPolicy, StaticSecrets, WebhookApp, WebhookSecrets, WebhookSettings,
    build_runtime,
)
from verenigingen.verenigingen_payments.webhooks.builtin_handlers import LedgerEffects  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.resource_state import ResourceState  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.wsgi import make_webhook_server  # noqa: E402

REDIS_URL = os.environ.get("VERENIGINGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "bench-classic-secret-0123456789"
OUTAGE_SECONDS = 60


class EmulatorProcess:
    """The emulator in its own process (its own GIL), driven over HTTP like Mollie would be."""

    def __init__(self, scale: float) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "verenigingen.verenigingen_payments.sandbox", "--port", str(port),
             "--scenario", "association-small", "--seed", "1", "--time-scale", str(scale)],
            cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.control = ControlClient(f"http://127.0.0.1:{port}/_sandbox")
        deadline = time.monotonic() + 60
        while True:
            try:
                info = self.control.info()
                break
            except (requests.ConnectionError, RuntimeError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the emulator did not start") from None
                time.sleep(0.1)
        self.base_url, self.api_key = info["base_url"], info["api_key"]

    def stop(self) -> None:
        self.control.close()
        self.process.terminate()
        self.process.wait(timeout=10)


class CountingHandler:
    """Counts how often each effect key is handled: >1 would be an effect applied twice."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self._lock = threading.Lock()

    def __call__(self, effect) -> None:
        with self._lock:
            self.counts[effect.effect_key] += 1


def serve(app):
    server = make_webhook_server(app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}{WEBHOOK_PATH}"


def bare_endpoint(environ, start_response):
    """The same werkzeug server with an app that reads the body and does nothing at all."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"status": "ok"}']


def build(emulator, store, scale: float, prefix: str, handlers, workers: int):
    config = MollieConfig(
        api_key=emulator.api_key, base_url=emulator.base_url, account="Production",
        retry_max_attempts=3, retry_backoff_base=0.5 * scale, retry_backoff_cap=8 * scale,
        circuit_breaker_timeout=60 * scale, rate_limit_requests_per_second=5000.0,
    )
    registry = HandlerRegistry()
    fetcher = ClientsResourceFetcher(lambda account: config)
    for resource_type, handler in handlers(fetcher):
        registry.register(resource_type, handler)
    runtime = build_runtime(
        store=store,
        fetcher=fetcher,
        secrets=StaticSecrets(WebhookSecrets(classic={"Production": [SECRET]})),
        locks=RedisResourceLocks.from_url(REDIS_URL, prefix=prefix + "lock:", blocking_timeout=60),
        registry=registry,
        settings=WebhookSettings(inline_budget_seconds=0, stale_after=timedelta(seconds=120 * scale),
                                 lease=timedelta(seconds=300 * scale)),
        retry_policy=RetryPolicy(base_delay=timedelta(seconds=60 * scale), max_delay=timedelta(seconds=600 * scale),
                                 max_attempts=12),
        workers=workers,
    )
    runtime.start_sweeper(interval_seconds=60 * scale)
    return runtime


def payment_statuses(emulator) -> dict[str, str]:
    found, url = {}, f"{emulator.base_url}/payments?limit=250"
    with requests.Session() as session:
        while url:
            page = session.get(url, headers={"Authorization": f"Bearer {emulator.api_key}"}, timeout=30).json()
            found.update((p["id"], p["status"]) for p in page["_embedded"]["payments"])
            url = (page["_links"].get("next") or {}).get("href")
    return found


def deliver_all(emulator, url: str, statuses: dict[str, str], deliveries: int, scale: float, log) -> None:
    """Queue `deliveries` classic webhooks in the emulator; state changes and the outage mid-run."""
    control = emulator.control
    control.inject_fault(method="GET", path="/v2/payments/*", status=503, probability=0.2)
    ids = list(statuses)
    order = [ids[i % len(ids)] for i in range(deliveries)]
    pending = [p for p, status in statuses.items() if status in ("open", "pending")]
    paid = [p for p, status in statuses.items() if status == "paid"]
    changes = {deliveries // 3 + i * 7: pid for i, pid in enumerate(pending[:20])}
    refunds = {deliveries // 4 + i * 11: pid for i, pid in enumerate(paid[:60])}
    outage_at = deliveries // 2
    for n, pid in enumerate(order):
        if n == outage_at:
            control.clear_faults()
            control.inject_fault(method="GET", path="/v2/*", status=503, probability=1.0)
            log("API outage starts")
            threading.Timer(OUTAGE_SECONDS * scale, _end_outage, args=(control, log)).start()
        if n in changes:
            control.trigger("payment.paid", changes[n])
            control.deliver_webhook(changes[n], url)
        if n in refunds:
            control.trigger("payment.refund", refunds[n], amount="1.00")
            control.deliver_webhook(refunds[n], url)
        control.deliver_webhook(pid, url)


def _end_outage(control, log) -> None:
    control.clear_faults()
    control.inject_fault(method="GET", path="/v2/payments/*", status=503, probability=0.2)
    log("API outage ends")


def wait_all_processed(store, emulator, deadline: float) -> None:
    while time.monotonic() < deadline:
        counts = store.count_by_status()
        unfinished = sum(c for s, c in counts.items() if s not in {f.value for f in FINISHED_STATUSES})
        if unfinished == 0 and emulator.control.wait_for_webhooks(timeout=0.2):
            return
        time.sleep(0.2)


def lost_states(emulator, store, handler: CountingHandler, ids: list[str]) -> int:
    """Payments whose latest state in Mollie never got its effect, plus rows not finished."""
    emulator.control.clear_faults()
    lost = 0
    with requests.Session() as session:
        for pid in ids:
            payment = session.get(f"{emulator.base_url}/payments/{pid}", timeout=30,
                                  headers={"Authorization": f"Bearer {emulator.api_key}"}).json()
            if handler.counts[ResourceState.of("payment", pid, payment).effect_key] == 0:
                lost += 1
    counts = store.count_by_status()
    return lost + sum(c for s, c in counts.items() if s not in {f.value for f in FINISHED_STATUSES})


def load(url: str, ids: list[str], requests_total: int, threads: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = requests_total // threads

    def worker(offset: int) -> None:
        mine = []
        with requests.Session() as session:
            for i in range(per_thread):
                started = time.perf_counter()
                response = session.post(url, data={"id": ids[(offset + i) % len(ids)]}, timeout=30)
                mine.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, [t * 97 for t in range(threads)]))
    return per_thread * threads / (time.perf_counter() - started), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--time-scale", type=float, default=0.05)
    parser.add_argument("--ingest-requests", type=int, default=4_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--store-url", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    scale = args.time_scale
    t0 = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - t0:7.1f}s] {message}", flush=True)

    prefix = f"bench-webhooks:{uuid.uuid4().hex[:8]}:"
    tmp = tempfile.TemporaryDirectory()
    store = WebhookLogStore.from_url(args.store_url or f"sqlite:///{tmp.name}/webhooks.sqlite3")
    emulator = EmulatorProcess(scale)
    handler = CountingHandler()
    ledger = SqlPaymentLedger(store.engine)

    def ledger_and_counting(fetcher):
        effects = LedgerEffects(ledger, fetcher)
        return [("payment", effects.on_payment), ("refund", effects.on_payment_child),
                ("chargeback", effects.on_payment_child), ("*", handler)]

    runtime = build(emulator, store, scale, prefix, ledger_and_counting, args.workers)
    server, url = serve(WebhookApp(runtime.ingest))
    statuses = payment_statuses(emulator)
    ids = list(statuses)
    log(f"{len(ids)} payments; delivering {args.deliveries} webhooks with 20% 5xx and a "
        f"{OUTAGE_SECONDS * scale:.1f}s outage")

    started = time.monotonic()
    deliver_all(emulator, f"{url}?secret={SECRET}", statuses, args.deliveries, scale, log)
    wait_all_processed(store, emulator, deadline=time.monotonic() + 1800)
    all_processed_s = time.monotonic() - started
    counts = store.count_by_status()
    log(f"all processed after {all_processed_s:.1f}s: {counts}")
    lost = lost_states(emulator, store, handler, ids)
    applied_twice = sum(1 for c in handler.counts.values() if c > 1)
    endpoint_answers = Counter(d["status"] for d in emulator.control.webhook_deliveries())

    noop_runtime = build(emulator, store, scale, prefix, lambda fetcher: [("*", lambda effect: None)], args.workers)
    noop_server, noop_url = serve(WebhookApp(noop_runtime.ingest))
    bare_server, bare_url = serve(bare_endpoint)
    targets = {"full": f"{url}?secret={SECRET}", "noop_handler": f"{noop_url}?secret={SECRET}", "bare": bare_url}
    rates: dict[str, float] = {}
    latencies: list[float] = []
    for _round in range(2):
        for name, target in targets.items():
            rate, seen = load(target, ids, args.ingest_requests, threads=8)
            if rate > rates.get(name, 0):
                rates[name] = rate
                if name == "full":
                    latencies = sorted(seen)
            log(f"ingest {name}: {rate:.0f}/s")

    for closing in (server, noop_server, bare_server):
        closing.shutdown()
    runtime.close()
    noop_runtime.close()
    emulator.stop()
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    figures = {
        "benchmark": "webhooks",
        "deliveries": args.deliveries,
        "time_scale": scale,
        "store": "mariadb" if args.store_url and "mysql" in args.store_url else "sqlite",
        "lost": lost,
        "applied_twice": applied_twice,
        "effects": sum(handler.counts.values()),
        "log_rows_by_status": counts,
        "endpoint_answers": {str(k): v for k, v in endpoint_answers.items()},
        "time_until_all_processed_s": round(all_processed_s, 2),
        "ingest_rate_per_s": round(rates["full"], 1),
        "noop_handler_rate_per_s": round(rates["noop_handler"], 1),
        "bare_endpoint_rate_per_s": round(rates["bare"], 1),
        "ingest_ratio_vs_noop_handler": round(rates["full"] / rates["noop_handler"], 3),
        "goal_ratio_met": rates["full"] / rates["noop_handler"] >= 0.7,
        "ingest_ratio_vs_bare_endpoint": round(rates["full"] / rates["bare"], 3),
        "latency_p50_ms": round(statistics.median(latencies) * 1e3, 2),
        "latency_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1e3, 2),
    }
    print(json.dumps(figures))
    tmp.cleanup()


if __name__ == "__main__":
    main()
