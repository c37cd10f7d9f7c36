"""Bounded HTTP load on loopback against a real bench: the app's endpoints next to Frappe's ping.

Rerun (a bench serving the site on 127.0.0.1:PORT, a viewer user, the emulator behind the account):

    .venv/bin/python benchmarks/load_operations.py --base http://127.0.0.1:8009 --site mollie.localhost \
        --user viewer@mollie.localhost --password '...' --settings Production --seconds 10 --concurrency 4

Each target gets the same number of threads for the same time, one after the other in one run, each
thread with its own logged-in session (keep-alive). Prints a table and, last, one JSON line of figures
(requests/s, p50/p99 in ms, status counts, and the ratio of each target's throughput to ping's).
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

import requests

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
METHOD = "/api/method/"


def targets(settings: str) -> list[tuple[str, str, str, dict]]:
    return [
        ("ping", "GET", METHOD + "ping", {}),
        ("get_account_balance", "GET", METHOD + "get_account_balance", {"params": {"settings": settings}}),
        ("get_dashboard_metrics", "GET", METHOD + "get_dashboard_metrics", {"params": {"settings": settings}}),
        ("webhook (classic, wrong secret)", "POST", METHOD + "verenigingen.utils.payment_gateways.mollie_webhook",
         {"params": {"secret": "not-the-secret"}, "data": {"id": "tr_loadtest"}}),
        ("readiness", "GET", METHOD + "verenigingen.verenigingen_payments.api.operations.readiness", {}),
        ("liveness", "GET", METHOD + "verenigingen.verenigingen_payments.api.operations.liveness", {}),
    ]


def session_for(args) -> requests.Session:
    session = requests.Session()
    session.headers["Host"] = args.site
    if args.user:
        response = session.post(args.base + METHOD + "login", data={"usr": args.user, "pwd": args.password}, timeout=30)
        response.raise_for_status()
    return session


def run_target(args, method: str, path: str, kwargs: dict) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    sessions = [session_for(args) for _ in range(args.concurrency)]
    deadline = time.perf_counter() + args.seconds

    def worker(session: requests.Session) -> None:
        mine, codes = [], Counter()
        while time.perf_counter() < deadline and len(mine) < args.max_requests:
            started = time.perf_counter()
            response = session.request(method, args.base + path, timeout=30, **kwargs)
            mine.append(time.perf_counter() - started)
            codes[response.status_code] += 1
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return {"requests": len(latencies), "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(q[49] * 1000, 1), "p99_ms": round(q[98] * 1000, 1),
            "statuses": {str(k): v for k, v in sorted(statuses.items())}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8009")
    parser.add_argument("--site", default="mollie.localhost")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--settings", default="Production")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--max-requests", type=int, default=20_000, help="per thread, a hard bound")
    args = parser.parse_args()
    if urlsplit(args.base).hostname not in LOOPBACK:
        parser.error("load is only ever sent to loopback")
    figures = {}
    for name, method, path, kwargs in targets(args.settings):
        figures[name] = run_target(args, method, path, kwargs)
        f = figures[name]
        print(f"{name:34s} {f['rps']:8.1f} req/s  p50 {f['p50_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms  {f['statuses']}")
    ping = figures["ping"]["rps"]
    for f in figures.values():
        f["throughput_vs_ping"] = round(f["rps"] / ping, 3) if ping else None
    print(json.dumps({"benchmark": "load_operations", "seconds": args.seconds, "concurrency": args.concurrency,
                      "figures": figures}))


if __name__ == "__main__":
    main()
