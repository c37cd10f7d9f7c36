"""Start time, memory and page-rendering speed of the Mollie emulator on `association-large`.

Rerun: .venv/bin/python benchmarks/bench_emulator_start.py [--scenario association-large] [--pages 100]

Starts the emulator in a fresh child process (so RSS is the emulator's own), waits for its
printed credentials, then pages /v2/payments with limit=250 through a raw requests loop and
reports the emulator's per-page time next to a baseline of the same loop on a tiny endpoint
(/v2/organizations/me) measured in the same run. Prints one JSON line at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the child so far (wall time suffers when the machine is busy)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", default="association-large")
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "verenigingen.verenigingen_payments.sandbox", "--port", "0",
                             "--scenario", args.scenario], stdout=subprocess.PIPE, text=True)
    try:
        lines = dict(proc.stdout.readline().strip().split(": ", 1) for _ in range(3))
        start_seconds = time.perf_counter() - t0
        rss_start = rss_mb(proc.pid)
        cpu_start = cpu_seconds(proc.pid)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {lines['organization_token']}"
        base = lines["base_url"]
        t = time.perf_counter()
        for _ in range(args.pages):
            session.get(base + "/organizations/me", timeout=30).raise_for_status()
        baseline = (time.perf_counter() - t) / args.pages
        url, items, t = base + "/payments?limit=250", 0, time.perf_counter()
        for _ in range(args.pages):
            page = session.get(url, timeout=30).json()
            items += page["count"]
            url = page["_links"]["next"]["href"]
        per_page = (time.perf_counter() - t) / args.pages
        info = session.get(base.replace("/v2", "/_sandbox") + "/info", timeout=30).json()
        print(json.dumps({
            "scenario": args.scenario, "start_seconds": round(start_seconds, 2),
            "start_cpu_seconds": round(cpu_start, 2), "load_average_1m": os.getloadavg()[0], "rss_mb_after_start": round(rss_start, 1),
            "rss_mb_after_paging": round(rss_mb(proc.pid), 1), "pages": args.pages, "items": items,
            "payments_page_ms": round(per_page * 1000, 2), "baseline_small_response_ms": round(baseline * 1000, 2),
            "items_per_second": round(items / (per_page * args.pages)), "now": info["now"],
        }))
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
