"""A worker process for the multiprocess test: records known amounts, then exits or waits."""

from __future__ import annotations

import sys

from verenigingen.verenigingen_payments.core.resilience.events import (
    BreakerStateChanged,
    RequestFinished,
)
from verenigingen.verenigingen_payments.observability import metrics
from verenigingen.verenigingen_payments.observability.pipeline_metrics import PrometheusPipelineListener


def main(index: int, requests: int, linger: bool) -> None:
    listener = PrometheusPipelineListener(wall_clock=lambda: 1_000 + index)
    for n in range(requests):
        listener.request_finished(RequestFinished("acct", "GET", "/v2/balances", "2xx", 0.02 * (n % 3 + 1), 1))
    listener.breaker_state_changed(BreakerStateChanged("acct", "api.mollie.com", "closed", "open" if index % 2 else "closed"))
    metrics.BALANCE_AVAILABLE.labels("acct", "EUR").set(100.0 + index)
    print("recorded", flush=True)
    if linger:
        sys.stdin.readline()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "linger")
