"""The reconciliation inside a site: which accounts are due, one queued job per account, one run
per account at a time.

`run_daily_reconciliation` (the deployment guide's scheduled method, cron `0 2 * * *`) and the
hourly `reconcile_due_accounts` both land in `enqueue_due_reconciliations`: an account is due when
its backend API and `auto_reconcile` are on, the Europe/Amsterdam hour has reached its
`reconciliation_hour`, and yesterday's run has not completed yet (so a failed run is resumed at the
next hour, and the 02:00 double trigger enqueues once). Jobs go to the long queue with a per-account
job id (`deduplicate`), and the run itself holds a per-account Redis lock, which also keeps
`bench mollie reconcile` / `sync-payments` from overlapping a queued run.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Iterator

import frappe

from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.frappe_integration.settings.job_gate import usable
from verenigingen.verenigingen_payments.store.reconciliation_runs import COMPLETED, RunRecord
from verenigingen.verenigingen_payments.workflows.reconciliation.tolerance import Tolerance

logger = logging.getLogger(__name__)

SETTINGS = "Mollie Settings"
RUN = "Mollie Reconciliation Run"
QUEUE = "long"
JOB_TIMEOUT = 4 * 3600
LOCK_TTL = JOB_TIMEOUT + 600


class ReconciliationBusyError(ConfigurationError):
    """Another run of the same account holds its lock."""


def job_id(account: str) -> str:
    return f"mollie-reconciliation::{account}"


def tolerance_of(account: str) -> Tolerance:
    """The account's `reconciliation_tolerance`, read as exact text (never through float)."""
    rows = frappe.db.sql(f"select cast(reconciliation_tolerance as char) from `tab{SETTINGS}` where name=%s", account)
    if not rows:
        raise ConfigurationError(f"There is no Mollie Settings record named {account!r}.")
    return Tolerance(Decimal(rows[0][0])) if rows[0][0] is not None else Tolerance()


def due_accounts(now: datetime, period_from: date, period_until: date) -> list[str]:
    """Accounts whose daily reconciliation is due at `now` (see the module docstring)."""
    hour = now.astimezone(AMSTERDAM).hour
    candidates = frappe.get_all(SETTINGS, filters={"enable_backend_api": 1, "auto_reconcile": 1},
                                fields=["name", "reconciliation_hour"], order_by="name")
    done = set(frappe.get_all(RUN, filters={"period_from": period_from, "period_until": period_until,
                                            "status": COMPLETED}, pluck="account"))
    return usable(c.name for c in candidates if int(c.reconciliation_hour or 0) <= hour and c.name not in done)


def enqueue_reconciliation(account: str, period_from: date, period_until: date) -> dict:
    """Queue one account's run on the long queue, unless one is already queued or running."""
    job = frappe.enqueue(
        "verenigingen.verenigingen_payments.frappe_integration.reconciliation.jobs.reconcile_account_job",
        queue=QUEUE, timeout=JOB_TIMEOUT, job_id=job_id(account), deduplicate=True,
        account=account, period_from=period_from.isoformat(), period_until=period_until.isoformat(),
    )
    return {"account": account, "period_from": period_from.isoformat(), "period_until": period_until.isoformat(),
            "queued": job is not None, "job_id": job.id if job is not None else None}


def enqueue_due_reconciliations(*, today: date | None = None, now: datetime | None = None) -> dict[str, dict]:
    """The scheduled entry inside a site: yesterday's run for every due account, queued."""
    from verenigingen.verenigingen_payments.workflows.reconciliation_engine import Period

    now = now or datetime.now(AMSTERDAM)
    period = Period.day_before(today or now.astimezone(AMSTERDAM).date())
    return {account: enqueue_reconciliation(account, period.from_date, period.until_date)
            for account in due_accounts(now, period.from_date, period.until_date)}


def reconcile_due_accounts() -> None:
    """hooks.py, hourly: accounts whose `reconciliation_hour` is later than 02:00 are picked up here."""
    enqueue_due_reconciliations()


@contextmanager
def account_lock(account: str) -> Iterator[None]:
    """One reconciliation (or payment sync) per account at a time, across workers and commands."""
    lock = frappe.cache().lock(f"{frappe.local.site}:mollie-reconciliation-lock:{account}", timeout=LOCK_TTL,
                               blocking_timeout=0)
    if not lock.acquire(blocking=False):
        raise ReconciliationBusyError(f"a reconciliation of {account!r} is already running; try again later")
    try:
        yield
    finally:
        try:
            lock.release()
        except Exception:  # noqa: BLE001 - expired under a very long run: nothing left to release
            logger.warning("reconciliation lock of %s had expired before release", account)


def reconcile_now(account: str, period_from: date, period_until: date, *, clients=None) -> RunRecord:
    """Reconcile one account and period in this process, on the DocType stores, under its lock."""
    from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import frappe_stores
    from verenigingen.verenigingen_payments.workflows.reconciliation_engine import Period, reconcile_account

    with account_lock(account):
        return reconcile_account(account, frappe_stores(), Period(period_from, period_until), clients=clients,
                                 tolerance=tolerance_of(account))


def reconcile_account_job(account: str, period_from: str, period_until: str) -> None:
    """The long-queue job; a failure is recorded on the run (and in the job log) by the engine."""
    try:
        run = reconcile_now(account, date.fromisoformat(period_from), date.fromisoformat(period_until))
    except ReconciliationBusyError as exc:
        logger.warning("%s", exc)
        return
    logger.info("reconciliation %s: %s, %s discrepancies", run.run_id, run.status, run.discrepancy_count)
