"""Several processes record into one PROMETHEUS_MULTIPROC_DIR; one scrape sums them, also after the
processes die and their files are folded into the archive (RQ forks a process per job)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRAPE = (
    "from verenigingen.verenigingen_payments.observability import render_metrics;"
    "import sys; sys.stdout.write(render_metrics().decode())"
)


def _env(directory: Path) -> dict:
    return {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONPATH": str(ROOT)}


def _scrape(directory: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", SCRAPE], env=_env(directory), capture_output=True, text=True,
                         timeout=60, check=True).stdout
    values = {}
    for line in out.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def _worker(directory: Path, index: int, requests: int, linger: bool) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.operations.metrics_worker", str(index), str(requests),
         "linger" if linger else "exit"],
        env=_env(directory), cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert process.stdout.readline().strip() == "recorded"
    return process


REQUESTS = 'mollie_api_requests_total{account="acct",endpoint="/v2/balances",method="GET",status_class="2xx"}'
COUNT = 'mollie_api_request_duration_seconds_count{account="acct",endpoint="/v2/balances",method="GET"}'
BUCKET_50MS = 'mollie_api_request_duration_seconds_bucket{account="acct",endpoint="/v2/balances",le="0.05",method="GET"}'
LAST_SUCCESS = 'mollie_api_last_success_timestamp_seconds{account="acct"}'
BREAKER = 'mollie_circuit_breaker_state{account="acct",host="api.mollie.com"}'
BALANCE = 'mollie_balance_available{account="acct",currency="EUR"}'


def test_scrape_sums_live_and_dead_worker_processes(tmp_path):
    live = [_worker(tmp_path, index, requests, linger=True) for index, requests in ((1, 7), (2, 11))]
    try:
        for index, requests in ((3, 5), (4, 9)):
            _worker(tmp_path, index, requests, linger=False).wait(timeout=60)
        first = _scrape(tmp_path)
        assert first[REQUESTS] == 7 + 11 + 5 + 9
        assert first[COUNT] == 32
        # latencies cycle 0.02, 0.04, 0.06: two thirds (rounded per worker) are at most 50 ms
        assert first[BUCKET_50MS] == sum(n - n // 3 for n in (7, 11, 5, 9))
        assert first[LAST_SUCCESS] == 1004  # max over processes
        assert first[BALANCE] == 104.0  # most recent write wins, also from a dead process
        assert first[BREAKER] == 0.0  # worker 4 (closed) wrote last
    finally:
        for process in live:
            process.stdin.write("\n")
            process.stdin.close()
            process.wait(timeout=60)
    second = _scrape(tmp_path)
    assert second[REQUESTS] == 32 and second[COUNT] == 32 and second[LAST_SUCCESS] == 1004
    assert second[BALANCE] == 104.0
    worker_files = [p.name for p in tmp_path.glob("*.db") for w in live if p.stem.endswith(f"_{w.pid}")]
    assert worker_files == []  # dead workers' files are folded into *_archive.db
    assert (tmp_path / "counter_archive.db").exists()
    _worker(tmp_path, 5, 3, linger=False).wait(timeout=60)
    assert _scrape(tmp_path)[REQUESTS] == 35  # archives keep counting monotonically
