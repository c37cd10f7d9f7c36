"""Bounded HTTP load on loopback against a real bench: the app's endpoints next to Frappe's ping.

Rerun (a bench serving the site on 127.0.0.1:PORT, a viewer user, the emulator behind the account):

    .venv/bin/python benchmarks/load_operations.py --base http://127.0.0.1:8009 --site mollie.localhost \
        --user viewer@mollie.localhost --password '...' --settings Production --seconds 10 --concurrency 4

The webhook endpoint against its floor (`--suite webhooks`; gunicorn with 2 workers, as in production):

    .venv/bin/python benchmarks/load_operations.py --suite webhooks --base http://127.0.0.1:8200 \
        --site scale.localhost --webhook-secret '<the record's webhook_secret>' \
        --floor-dir /path/to/frappe-bench/apps/verenigingen/verenigingen --seconds 10 --concurrency 1,4

  targets: ping; the floor, a whitelisted guest POST that inserts one row and calls `frappe.enqueue` once
  (a module this benchmark writes into the bench's installed copy of the app package — Frappe only
  calls methods of installed apps — and deletes at the end: it is never in the repository nor shipped);
  the app's webhook endpoint, classic with the valid secret (ids unknown to Mollie: each request logs a
  row and wakes at most one drain job). Stop the bench's RQ workers first to measure the web side
  alone (the floor's jobs would otherwise fork one process per request beside it).
  `vs_floor` is the endpoint's throughput over the floor's (goal >= 0.8, p99 < 50 ms with 4 clients).

Each target gets the same number of threads for the same time, one after the other in one run, each
thread with its own session (logged in when --user is given; keep-alive). Prints a table and, last,
one JSON line of figures (requests/s, p50/p99 in ms, status counts, the ratio of each target's
throughput to ping's, per concurrency level).
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
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


FLOOR_MODULE = "_load_operations_floor"
FLOOR_SOURCE = '''"""Written by verenigingen's benchmarks/load_operations.py for one run, then deleted: the floor."""
import uuid

import frappe
from werkzeug.wrappers import Response

_ready = set()


@frappe.whitelist(allow_guest=True)
def insert_and_enqueue():
    if frappe.local.site not in _ready:
        frappe.db.sql_ddl("create table if not exists `__bench_floor` (name varchar(32) primary key, "
                          "body text, received_at datetime(6))")
        _ready.add(frappe.local.site)
    frappe.db.sql("insert into `__bench_floor` (name, body, received_at) values (%s, %s, now(6))",
                  (uuid.uuid4().hex, frappe.request.get_data(as_text=True)))
    frappe.db.commit()
    frappe.enqueue("frappe.ping", queue="short")
    return Response('{"status": "ok"}', mimetype="application/json")
'''


def webhook_targets(secret: str) -> list[tuple[str, str, str, dict]]:
    return [
        ("ping", "GET", METHOD + "ping", {}),
        ("floor (insert + enqueue)", "POST", METHOD + f"verenigingen.{FLOOR_MODULE}.insert_and_enqueue",
         {"data": {"id": "tr_floor"}}),
        ("webhook (classic)", "POST", METHOD + "verenigingen.utils.payment_gateways.mollie_webhook",
         {"params": {"secret": secret}, "data": {"id": "tr_loadtest"}}),
    ]


@contextmanager
def floor_module(package_dir: str | None):
    if not package_dir:
        raise SystemExit("--suite webhooks needs --floor-dir (the bench's installed app package)")
    path = Path(package_dir) / f"{FLOOR_MODULE}.py"
    path.write_text(FLOOR_SOURCE)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def session_for(args) -> requests.Session:
    session = requests.Session()
    session.headers["Host"] = args.site
    if args.user:
        response = session.post(args.base + METHOD + "login", data={"usr": args.user, "pwd": args.password}, timeout=30)
        response.raise_for_status()
    return session


def run_target(args, method: str, path: str, kwargs: dict, concurrency: int) -> dict:
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    sessions = [session_for(args) for _ in range(concurrency)]
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
    parser.add_argument("--concurrency", default="4", help="clients, or a comma-separated list of levels")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per thread, a hard bound")
    parser.add_argument("--suite", choices=("operations", "webhooks"), default="operations")
    parser.add_argument("--webhook-secret", help="--suite webhooks: the account's classic webhook secret")
    parser.add_argument("--floor-dir", help="--suite webhooks: the bench's installed verenigingen package directory")
    args = parser.parse_args()
    if urlsplit(args.base).hostname not in LOOPBACK:
        parser.error("load is only ever sent to loopback")
    levels = [int(level) for level in args.concurrency.split(",")]
    if args.suite == "webhooks":
        with floor_module(args.floor_dir):
            figures = {level: measure(args, webhook_targets(args.webhook_secret or ""), level) for level in levels}
        for by_target in figures.values():
            by_target["webhook (classic)"]["vs_floor"] = round(
                by_target["webhook (classic)"]["rps"] / by_target["floor (insert + enqueue)"]["rps"], 3)
    else:
        figures = {level: measure(args, targets(args.settings), level) for level in levels}
    print(json.dumps({"benchmark": "load_operations", "suite": args.suite, "seconds": args.seconds,
                      "figures_by_concurrency": figures}))


def measure(args, chosen: list[tuple[str, str, str, dict]], concurrency: int) -> dict:
    figures = {}
    for name, method, path, kwargs in chosen:
        figures[name] = run_target(args, method, path, kwargs, concurrency)
        f = figures[name]
        print(f"{concurrency} client(s) {name:34s} {f['rps']:8.1f} req/s  p50 {f['p50_ms']:7.1f} ms  "
              f"p99 {f['p99_ms']:7.1f} ms  {f['statuses']}")
    ping = figures["ping"]["rps"]
    for f in figures.values():
        f["throughput_vs_ping"] = round(f["rps"] / ping, 3) if ping else None
    return figures


if __name__ == "__main__":
    main()
