"""Small `record_*`/`observe_*` functions for the packages that have no listener hook.

Each takes the value object its package already returns, so the caller adds one line after the
work is done (or the Frappe layer/scheduled-job wrapper does it), and the observability package keeps
every metric name in one place. None of them raises on a surprising shape: metrics never break a job.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from . import metrics

logger = logging.getLogger(__name__)

BALANCE_STATUS_VALUES = {"healthy": 0, "warning": 1, "critical": 2}
COMPLETED_RUN_STATUSES = ("completed", "complete", "succeeded", "success", "ok")


def record_job_success(job: str, *, now: Callable[[], float] = time.time) -> None:
    """A scheduled job finished without error; `job` is its short name (last part of the dotted path)."""
    metrics.JOB_LAST_SUCCESS.labels(job.rsplit(".", 1)[-1]).set(now())


def observe_reconciliation_run(run, discrepancies: Iterable = (), *, now: Callable[[], float] = time.time) -> None:
    """After one account's run: `run` is a `RunRecord`, `discrepancies` its `StoredDiscrepancy` rows."""
    metrics.RECONCILIATION_RUNS.labels(run.account, run.status).inc()
    if run.duration_ms is not None:
        metrics.RECONCILIATION_DURATION.labels(run.account).observe(run.duration_ms / 1000.0)
    if str(run.status).lower() in COMPLETED_RUN_STATUSES:
        metrics.RECONCILIATION_LAST_SUCCESS.labels(run.account).set(now())
    counts: Counter = Counter()
    amounts: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for found in discrepancies:
        counts[found.kind] += 1
        try:
            amounts[(found.kind, found.currency)] += abs(Decimal(str(found.amount)))
        except ArithmeticError:
            logger.warning("discrepancy %s has an unreadable amount; counted without it", found.kind)
    for kind in set(counts) | set(_kinds_seen(run.account)):
        metrics.RECONCILIATION_DISCREPANCIES.labels(run.account, kind).set(counts.get(kind, 0))
        _KINDS_SEEN.setdefault(run.account, set()).add(kind)
    for (kind, currency), total in amounts.items():
        metrics.RECONCILIATION_DISCREPANCY_AMOUNT.labels(run.account, kind, currency).set(float(total))


_KINDS_SEEN: dict[str, set[str]] = {}


def _kinds_seen(account: str) -> set[str]:
    """Kinds reported earlier in this process drop back to 0 when a later run no longer finds them."""
    return _KINDS_SEEN.get(account, set())


def observe_balance_cycle(result: Mapping) -> None:
    """After `BalanceMonitor.run_monitoring_cycle()`: one gauge per balance currency."""
    account = result.get("account")
    for balance in result.get("balances_checked") or ():
        currency = balance["currency"]
        metrics.BALANCE_AVAILABLE.labels(account, currency).set(float(Decimal(balance["available"])))
        metrics.BALANCE_PENDING.labels(account, currency).set(float(Decimal(balance["pending"])))
        metrics.BALANCE_STATUS.labels(account, currency).set(BALANCE_STATUS_VALUES.get(balance.get("status"), 1))


def record_open_disputes(account: str, open_count: int) -> None:
    """From `compute_dispute_metrics(cases).open`."""
    metrics.DISPUTES_OPEN.labels(account).set(open_count)


def record_subscriptions(account: str, counts_by_status: Mapping[str, int], statuses: Iterable[str] = ()) -> None:
    """Subscription counts by local status; `statuses` lists the statuses to report as 0 when absent."""
    for status in set(statuses) | set(counts_by_status):
        metrics.SUBSCRIPTIONS.labels(account, status).set(counts_by_status.get(status, 0))


def observe_audit_verification(verification, *, now: Callable[[], float] = time.time) -> None:
    """After `verify_chain(...)`: 1 when the chain is intact, 0 when broken."""
    metrics.AUDIT_CHAIN_VALID.labels(verification.chain_id).set(1 if verification.ok else 0)
    metrics.AUDIT_CHAIN_VERIFIED_AT.labels(verification.chain_id).set(now())


def record_config_problems(count: int) -> None:
    metrics.CONFIG_PROBLEMS.set(count)
