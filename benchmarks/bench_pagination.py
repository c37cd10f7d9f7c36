"""Page 100,000 payments from the emulator: our client vs a raw `requests` loop vs mollie-api-python.

All three run in this process against the same emulator (`association-large`, in a child process so
its CPU does not share our GIL), each following `_links.next` with limit=250. The raw loop decodes
each page and counts its items; ours iterates `PaymentsClient.iter_payments()` (breaker and limiter
through the real Redis, retry layer, typed lazy models) and reads each payment's id; a second pass
of ours also reads amount and status (parsing them). mollie-api-python is driven page by page with
`has_next()` / `get_next()`. Runs are interleaved and the best of `--repeat` is kept. Wall time is
dominated by the emulator rendering pages, so the client CPU time of this process is reported too:
it is the client's own cost, and far less sensitive to a busy machine.
Peak Python memory (tracemalloc) of our iterator is measured for the first 10k and for 100k items.

Goals: ours <= 1.25x the raw loop; faster than mollie-api-python; peak memory flat from 10k to 100k.

Rerun:  .venv/bin/python benchmarks/bench_pagination.py [--items 100000] [--repeat 2]
        mollie-api-python is not a dependency; to include it: .venv/bin/pip install mollie-api-python
        (without it that column is skipped with a message). Needs Redis on 127.0.0.1:6379.
Prints one JSON line of figures at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests

from verenigingen.verenigingen_payments.clients import MollieConfig, PaymentsClient

REDIS_URL = os.environ.get("VERENIGINGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = 250


def start_emulator(scenario: str) -> tuple[subprocess.Popen, dict]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "verenigingen.verenigingen_payments.sandbox",
            "--port",
            "0",
            "--scenario",
            scenario,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = dict(proc.stdout.readline().strip().split(": ", 1) for _ in range(4))
    return proc, lines


def raw_loop(base: str, key: str, items: int) -> int:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    url, seen = f"{base}/payments?limit={LIMIT}", 0
    while seen < items and url:
        page = session.get(url, timeout=(5, 30)).json()
        seen += len(page["_embedded"]["payments"])
        nxt = page["_links"].get("next")
        url = nxt["href"] if nxt else None
    return seen


def ours(client: PaymentsClient, items: int, parse: bool = False) -> int:
    seen = 0
    for payment in client.iter_payments():
        _ = payment.id
        if parse:
            _ = payment.amount
            _ = payment.status
        seen += 1
        if seen >= items:
            break
    return seen


def mollie_python(base: str, key: str, items: int) -> int:
    from mollie.api.client import Client

    client = Client()
    client.set_api_endpoint(base.rsplit("/v2", 1)[0])
    client.set_api_key(key)
    page = client.payments.list(limit=LIMIT)
    seen = 0
    while True:
        for payment in page:
            _ = payment.id
            seen += 1
        if seen >= items or not page.has_next():
            return seen
        page = page.get_next()


def timed(fn, *args) -> tuple[float, float, int]:
    """Wall seconds, and CPU seconds of this process (the client's own cost, without the emulator's)."""
    t0, c0 = time.perf_counter(), time.process_time()
    n = fn(*args)
    return time.perf_counter() - t0, time.process_time() - c0, n


def peak_memory_kb(client: PaymentsClient, items: int) -> float:
    tracemalloc.start()
    ours(client, items, parse=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scenario", default="association-large")
    args = parser.parse_args()

    try:
        import mollie.api.client  # noqa: F401

        have_mollie = True
    except ImportError:
        have_mollie = False
        print(
            "mollie-api-python is not installed: skipping its column "
            "(.venv/bin/pip install mollie-api-python to include it)"
        )

    proc, emu = start_emulator(args.scenario)
    prefix = f"vbench:{uuid.uuid4().hex[:8]}:"
    try:
        base, key = emu["base_url"], emu["api_key"]
        config = MollieConfig(
            api_key=key,
            base_url=base,
            account="bench-pagination",
            redis_url=REDIS_URL,
            redis_key_prefix=prefix,
            rate_limit_requests_per_second=10_000,
        )
        client = PaymentsClient(config)
        raw_loop(base, key, 5 * LIMIT)  # warm the emulator's caches and our pools
        ours(client, 5 * LIMIT)

        runs: dict[str, list[float]] = {"raw": [], "ours": [], "ours_parsed": [], "mollie_api_python": []}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        counts = {}
        for _ in range(args.repeat):
            for name, fn, fargs in (
                ("raw", raw_loop, (base, key, args.items)),
                ("ours", ours, (client, args.items)),
                ("ours_parsed", ours, (client, args.items, True)),
                ("mollie_api_python", mollie_python, (base, key, args.items)),
            ):
                if name == "mollie_api_python" and not have_mollie:
                    continue
                seconds, cpu_seconds, n = timed(fn, *fargs)
                runs[name].append(seconds)
                cpu[name].append(cpu_seconds)
                counts[name] = n
                print(f"{name:18s} {n:7d} items in {seconds:6.2f}s wall, {cpu_seconds:6.2f}s client CPU")
        mem_10k = peak_memory_kb(client, args.items // 10)
        mem_full = peak_memory_kb(client, args.items)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        import redis

        r = redis.Redis.from_url(REDIS_URL)
        for k in r.scan_iter(match=prefix + "*"):
            r.delete(k)

    best = {name: min(values) for name, values in runs.items() if values}
    best_cpu = {name: min(values) for name, values in cpu.items() if values}
    figures = {
        "benchmark": "pagination",
        "items": counts.get("ours"),
        "raw_seconds": round(best["raw"], 3),
        "ours_seconds": round(best["ours"], 3),
        "ours_parsed_seconds": round(best["ours_parsed"], 3),
        "ours_vs_raw": round(best["ours"] / best["raw"], 3),
        "ours_parsed_vs_raw": round(best["ours_parsed"] / best["raw"], 3),
        "goal_ours_vs_raw_max": 1.25,
        "mollie_api_python_seconds": round(best["mollie_api_python"], 3) if have_mollie else None,
        "ours_vs_mollie_api_python": round(best["ours"] / best["mollie_api_python"], 3)
        if have_mollie
        else None,
        "raw_cpu_seconds": round(best_cpu["raw"], 3),
        "ours_cpu_seconds": round(best_cpu["ours"], 3),
        "ours_parsed_cpu_seconds": round(best_cpu["ours_parsed"], 3),
        "mollie_api_python_cpu_seconds": round(best_cpu["mollie_api_python"], 3) if have_mollie else None,
        "ours_vs_raw_cpu": round(best_cpu["ours"] / best_cpu["raw"], 3),
        "peak_kb_10pct": round(mem_10k, 1),
        "peak_kb_full": round(mem_full, 1),
        "peak_full_vs_10pct": round(mem_full / mem_10k, 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
