"""Per-call cost of the resilience pipeline against a bare `requests.Session`, and Redis round trips.

Both loops GET the same payment from a minimal loopback HTTP server (so the server's own cost is
as small as possible and the difference is ours): the baseline is `session.get(url).json()`; ours
is `PaymentsClient.get_payment()` — breaker and limiter through the real Redis, retry layer,
listeners, error mapping and the typed model. Goal: at most 2 Redis round trips per call.

Rerun:  .venv/bin/python benchmarks/bench_resilience_overhead.py [--calls 2000]
        (needs Redis on 127.0.0.1:6379, or VERENIGINGEN_TEST_REDIS_URL)
Prints one JSON line of figures at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from verenigingen.verenigingen_payments.clients import MollieConfig, PaymentsClient
from verenigingen.verenigingen_payments.core.resilience.guard import redis_client

REDIS_URL = os.environ.get("VERENIGINGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PAYMENT = json.dumps(
    {
        "resource": "payment",
        "id": "tr_bench",
        "mode": "test",
        "status": "paid",
        "amount": {"value": "12.50", "currency": "EUR"},
        "description": "Dues",
        "method": "ideal",
        "createdAt": "2026-01-05T09:00:00+00:00",
        "paidAt": "2026-01-05T09:01:00+00:00",
        "profileId": "pfl_bench",
        "sequenceType": "oneoff",
        "metadata": None,
        "_links": {"self": {"href": "http://127.0.0.1/v2/payments/tr_bench", "type": "application/hal+json"}},
    }
).encode()


class PaymentHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Mollie's API does
    disable_nagle_algorithm = True

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/hal+json")
        self.send_header("Content-Length", str(len(PAYMENT)))
        self.end_headers()
        self.wfile.write(PAYMENT)

    def log_message(self, *args):
        pass


def start_server() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), PaymentHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(fn, calls: int) -> list[float]:
    out = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    server = start_server()
    base = f"http://127.0.0.1:{server.server_address[1]}/v2"
    prefix = f"vbench:{uuid.uuid4().hex[:8]}:"
    config = MollieConfig(
        api_key="test_bench_key_not_secret",
        base_url=base,
        account="overhead",
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
        rate_limit_requests_per_second=1e6,
    )
    client = PaymentsClient(config)
    session = requests.Session()
    session.headers["Authorization"] = "Bearer test_bench_key_not_secret"

    def bare():
        session.get(f"{base}/payments/tr_bench", timeout=(5, 30)).json()

    def ours():
        client.get_payment("tr_bench")

    for fn in (bare, ours):  # warm pools, scripts, imports
        timed(fn, 50)

    redis = redis_client(REDIS_URL)
    round_trips = [0]
    real = redis.execute_command

    def counting(*a, **k):
        round_trips[0] += 1
        return real(*a, **k)

    redis.execute_command = counting
    rounds = []
    for _ in range(3):  # interleave to share any machine noise
        rounds.append(
            (statistics.median(timed(bare, args.calls // 3)), statistics.median(timed(ours, args.calls // 3)))
        )
    redis.execute_command = real
    calls_ours = 3 * (args.calls // 3)

    bare_med = statistics.median(r[0] for r in rounds)
    ours_med = statistics.median(r[1] for r in rounds)
    server.shutdown()
    for key in redis.scan_iter(match=prefix + "*"):
        redis.delete(key)
    per_call = round_trips[0] / calls_ours
    figures = {
        "benchmark": "resilience_overhead",
        "calls": calls_ours,
        "bare_session_median_ms": round(bare_med * 1e3, 3),
        "pipeline_median_ms": round(ours_med * 1e3, 3),
        "overhead_median_ms": round((ours_med - bare_med) * 1e3, 3),
        "ratio": round(ours_med / bare_med, 3),
        "redis_round_trips_per_call": round(per_call, 3),
        "goal_round_trips_met": per_call <= 2,
    }
    print(
        f"bare {bare_med * 1e3:.3f} ms, ours {ours_med * 1e3:.3f} ms per call; {per_call:.2f} Redis round trips/call"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
