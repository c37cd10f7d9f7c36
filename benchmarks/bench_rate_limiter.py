"""Four processes hammer the shared Redis rate limiter at 25 requests/second for 20 seconds.

Goal: achieved rate >= 95% of the limit, and never more than limit + burst admitted in any
one-second window. Each process admits, sleeps the reservation it was given, and records when its
slot came; the parent merges the four logs.

Rerun:  .venv/bin/python benchmarks/bench_rate_limiter.py [--seconds 20] [--rate 25] [--processes 4]
        (needs Redis on 127.0.0.1:6379, or VERENIGINGEN_TEST_REDIS_URL)
Prints one JSON line of figures at the end.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from verenigingen.verenigingen_payments.clients.config import MollieConfig
from verenigingen.verenigingen_payments.clients.transport import guard_settings
from verenigingen.verenigingen_payments.core.resilience import CallGuard

REDIS_URL = os.environ.get("VERENIGINGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def hammer(prefix: str, rate: float, seconds: float, ready, go, start_box, out) -> None:
    config = MollieConfig(
        account="bench", rate_limit_requests_per_second=rate, redis_url=REDIS_URL, redis_key_prefix=prefix
    )
    last_now = [0.0]

    def wall_clock() -> float:  # remember the "now" the bucket decided with: slot = now + wait
        last_now[0] = time.time()
        return last_now[0]

    guard = CallGuard(config.account, "api.mollie.com", REDIS_URL, prefix, wall_clock=wall_clock)
    limits = guard_settings(config)
    grants = []
    ready.put(os.getpid())
    go.wait()
    start_at = start_box.value
    stop_at = start_at + seconds
    time.sleep(max(0.0, start_at - time.time()))
    while time.time() < stop_at:
        admission = guard.admit(limits)
        slot = last_now[0] + admission.wait_seconds
        if slot >= stop_at:
            break
        time.sleep(admission.wait_seconds)
        grants.append(slot)
    out.put(grants)


def max_in_one_second(times: list[float]) -> int:
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()

    prefix = f"vbench:{uuid.uuid4().hex[:8]}:"
    burst = MollieConfig(rate_limit_requests_per_second=args.rate).effective_burst
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    ready, go, start_box = ctx.Queue(), ctx.Event(), ctx.Value("d", 0.0)
    procs = [
        ctx.Process(target=hammer, args=(prefix, args.rate, args.seconds, ready, go, start_box, out))
        for _ in range(args.processes)
    ]
    for p in procs:
        p.start()
    for _ in procs:  # every process has imported and built its guard
        ready.get(timeout=120)
    start_box.value = time.time() + 0.2
    go.set()
    grants = sorted(t for _ in procs for t in out.get(timeout=args.seconds + 60))
    for p in procs:
        p.join()

    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)

    achieved = len(grants) / args.seconds
    figures = {
        "benchmark": "rate_limiter",
        "processes": args.processes,
        "seconds": args.seconds,
        "limit_rps": args.rate,
        "burst": burst,
        "admitted": len(grants),
        "achieved_rps": round(achieved, 2),
        "achieved_ratio": round(achieved / args.rate, 4),
        "max_in_any_1s_window": max_in_one_second(grants),
        "ceiling_limit_plus_burst": args.rate + burst,
        "goal_rate_met": achieved >= 0.95 * args.rate,
        "goal_ceiling_met": max_in_one_second(grants) <= args.rate + burst,
    }
    print(
        f"admitted {len(grants)} calls in {args.seconds:.0f}s across {args.processes} processes "
        f"= {achieved:.2f} rps (limit {args.rate}, burst {burst})"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
