"""The reconciliation engine's entry points (framework-free; the Frappe layer wires its seams).

`run_daily_reconciliation` is the scheduled job of the deployment guide
(`verenigingen.verenigingen_payments.workflows.reconciliation_engine.run_daily_reconciliation`):
for every account it reconciles yesterday (Europe/Amsterdam) and records the run; one account's
failure is logged on its run and does not stop the others. `reconcile_account` does one account
and one period, resuming an interrupted run of the same period from its checkpoint.

Stores and settings come from seams: `ReconciliationStores` (the SQL store outside Frappe, the
DocTypes inside) and the clients' settings provider (`MollieConfig` or a Mollie Settings name).
"""

from __future__ import annotations

import importlib
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Callable, Iterable

from ..clients.config import _frappe_site_bound
from ..core.calendar import AMSTERDAM
from ..store.ledger import PaymentLedger
from ..store.reconciliation_runs import ReconciliationStore, RunRecord
from .reconciliation.account_run import AccountReconciliation, MollieClients
from .reconciliation.tolerance import Tolerance

logger = logging.getLogger(__name__)
ACCOUNTS_ENV = "VERENIGINGEN_RECONCILE_ACCOUNTS"
# Inside a site (the scheduled job) accounts, hours, tolerances and queueing come from here.
FRAPPE_SCHEDULER = "verenigingen.verenigingen_payments.frappe_integration.reconciliation.jobs"


@dataclass(frozen=True)
class ReconciliationStores:
    ledger: PaymentLedger
    runs: ReconciliationStore

    @classmethod
    def sql(cls, url: str | None = None) -> ReconciliationStores:
        """The local SQL store (SQLite file by default, MariaDB by URL)."""
        from ..store.sql import create_store_engine
        from ..store.sql.ledger_store import SqlPaymentLedger
        from ..store.sql.reconciliation_store import SqlReconciliationStore

        engine = create_store_engine(url)
        return cls(SqlPaymentLedger(engine), SqlReconciliationStore(engine))


@dataclass(frozen=True)
class Period:
    """[from, until) in Europe/Amsterdam calendar days, as Mollie's balance reports count them."""

    from_date: date
    until_date: date

    def __post_init__(self) -> None:
        if self.until_date <= self.from_date:
            raise ValueError("a reconciliation period needs until > from")

    @classmethod
    def day_before(cls, today: date) -> Period:
        return cls(today - timedelta(days=1), today)


def _tolerance_of(config) -> Tolerance:
    raw = getattr(config, "reconciliation_tolerance", None)
    return Tolerance(Decimal(str(raw))) if raw is not None else Tolerance()


def reconcile_account(
    config, stores: ReconciliationStores, period: Period, *, clients: MollieClients | None = None,
    tolerance: Tolerance | None = None, clock: Callable[[], datetime] | None = None, sync_ledger: bool = True,
) -> RunRecord:
    """Reconcile one account (a `MollieConfig` or a Mollie Settings name) for one period."""
    from ..clients import resolve_config

    config = resolve_config(config)
    return AccountReconciliation(
        account=config.account, clients=clients or MollieClients.for_config(config), ledger=stores.ledger,
        runs=stores.runs, period_from=period.from_date, period_until=period.until_date,
        tolerance=tolerance or _tolerance_of(config), clock=clock or (lambda: datetime.now(timezone.utc)),
        sync_ledger=sync_ledger,
    ).reconcile()


def _accounts_from_environment() -> list[str]:
    return [name.strip() for name in os.environ.get(ACCOUNTS_ENV, "").split(",") if name.strip()]


def run_daily_reconciliation(
    accounts: Iterable | None = None, *, stores: ReconciliationStores | None = None, today: date | None = None,
    clock: Callable[[], datetime] | None = None,
) -> dict[str, RunRecord | Exception | dict]:
    """Reconcile yesterday for every account; returns each account's run (or the error it hit).

    Called without accounts and stores while a Frappe site is bound (the scheduler), it hands over
    to the site's scheduler layer, which queues one job per due account and returns what it queued."""
    if accounts is None and stores is None and _frappe_site_bound():
        return importlib.import_module(FRAPPE_SCHEDULER).enqueue_due_reconciliations(today=today)
    accounts = list(accounts) if accounts is not None else _accounts_from_environment()
    stores = stores or ReconciliationStores.sql()
    today = today or datetime.now(AMSTERDAM).date()
    period = Period.day_before(today)
    results: dict[str, RunRecord | Exception] = {}
    for account in accounts:
        name = getattr(account, "account", account)
        try:
            results[name] = reconcile_account(account, stores, period, clock=clock)
        except Exception as exc:  # one account's failure never stops the others
            logger.exception("reconciliation of account %s for %s failed", name, period)
            results[name] = exc
    return results
