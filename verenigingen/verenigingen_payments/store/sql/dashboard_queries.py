"""Read-only queries the finance dashboard runs on the local store (ledger, disputes, runs,
subscriptions):
`SqlLocalFigures` is the SQL implementation of `monitoring.dashboard_metrics.LocalFigures`.

Sums happen in Python over exact decimal text: SQL SUM over text would go through float.
A table that does not exist yet (a feature never used on this site) reads as "no data": None.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from .tables.disputes import dispute_case as dc
from .tables.ledger import mollie_payment as mp
from .tables.ledger import mollie_payment_sync as sync
from .tables.subscriptions import mollie_subscription


def _has(engine: sa.Engine, table: sa.Table) -> bool:
    return sa.inspect(engine).has_table(table.name)


def paid_payments_since(engine: sa.Engine, account: str, since: datetime
                        ) -> Iterator[tuple[str, Decimal, Decimal, datetime]] | None:
    """(currency, amount, amount refunded, paid_at) of paid payments with paid_at >= since."""
    if not _has(engine, mp):
        return None

    def rows() -> Iterator[tuple[str, Decimal, Decimal, datetime]]:
        query = (sa.select(mp.c.currency, mp.c.amount, mp.c.amount_refunded, mp.c.paid_at)
                 .where(mp.c.account == account, mp.c.paid_at >= since, mp.c.status == "paid"))
        with engine.connect() as conn:
            for r in conn.execute(query.execution_options(yield_per=2000)):
                yield r.currency, Decimal(r.amount), Decimal(r.amount_refunded or "0"), r.paid_at

    return rows()


def ledger_synced(engine: sa.Engine, account: str) -> bool | None:
    """Whether the account's ledger holds anything: a payment, or a finished backfill (of an account
    without payments). None when the site has no ledger at all."""
    if not _has(engine, mp):
        return None
    with engine.connect() as conn:
        if conn.scalar(sa.select(mp.c.payment_id).where(mp.c.account == account).limit(1)) is not None:
            return True
        return _has(engine, sync) and conn.scalar(
            sa.select(sync.c.completed_at).where(sync.c.account == account)) is not None


def chargebacks_since(engine: sa.Engine, account: str, since: datetime
                      ) -> list[tuple[str, Decimal, datetime, str]] | None:
    """(currency, amount, chargeback created_at, case status) of dispute cases since `since`."""
    if not _has(engine, dc):
        return None
    with engine.connect() as conn:
        return [(r.currency, Decimal(r.amount), r.chargeback_created_at, r.status) for r in conn.execute(
            sa.select(dc.c.currency, dc.c.amount, dc.c.chargeback_created_at, dc.c.status)
            .where(dc.c.account == account, dc.c.chargeback_created_at >= since))]


def dispute_status_counts(engine: sa.Engine, account: str) -> dict[str, int] | None:
    if not _has(engine, dc):
        return None
    with engine.connect() as conn:
        return {r.status: int(r.n) for r in conn.execute(
            sa.select(dc.c.status, sa.func.count().label("n")).where(dc.c.account == account).group_by(dc.c.status))}


def latest_reconciliation_run(engine: sa.Engine, account: str) -> dict | None:
    from .reconciliation_store import SqlReconciliationStore
    from .tables.reconciliation import reconciliation_run

    if not _has(engine, reconciliation_run):
        return None
    runs = SqlReconciliationStore(engine).list_runs(account, limit=1)
    if not runs:
        return None
    run = runs[0]
    return {"run_id": run.run_id, "status": run.status, "period_from": run.period_from.isoformat(),
            "period_until": run.period_until.isoformat(), "discrepancy_count": run.discrepancy_count,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None}


class SqlLocalFigures:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def paid_payments_since(self, account: str, since: datetime):
        return paid_payments_since(self._engine, account, since)

    def ledger_synced(self, account: str):
        return ledger_synced(self._engine, account)

    def chargebacks_since(self, account: str, since: datetime):
        return chargebacks_since(self._engine, account, since)

    def dispute_status_counts(self, account: str):
        return dispute_status_counts(self._engine, account)

    def latest_reconciliation_run(self, account: str):
        return latest_reconciliation_run(self._engine, account)

    def subscription_store(self):
        """The SQL subscription store when its tables exist (the dashboard never creates them)."""
        if not _has(self._engine, mollie_subscription):
            return None
        from .subscription_store import SqlSubscriptionStore

        return SqlSubscriptionStore(self._engine)
