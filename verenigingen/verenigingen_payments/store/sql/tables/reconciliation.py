"""Tables of reconciliation runs and their discrepancies (mirrors `Mollie Reconciliation Run`).

A run is unique per (account, period): a rerun of the same period reuses it. A discrepancy is
unique per (account, identity): found again, it is updated in place, and a resolved one keeps
its resolution.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..types import LongText, UtcDateTime

METADATA = sa.MetaData()

reconciliation_run = sa.Table(
    "mollie_reconciliation_run",
    METADATA,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("account", sa.String(140), nullable=False),
    sa.Column("period_from", sa.Date, nullable=False),
    sa.Column("period_until", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("finished_at", UtcDateTime(), nullable=True),
    sa.Column("duration_ms", sa.Integer, nullable=True),
    sa.Column("settlements_checked", sa.Integer, nullable=False, default=0),
    sa.Column("transactions_checked", sa.Integer, nullable=False, default=0),
    sa.Column("discrepancy_count", sa.Integer, nullable=False, default=0),
    sa.Column("totals", LongText, nullable=True),
    sa.Column("checkpoint", LongText, nullable=True),
    sa.Column("error", LongText, nullable=True),
    sa.UniqueConstraint("account", "period_from", "period_until", name="uq_reconciliation_run_period"),
)

reconciliation_discrepancy = sa.Table(
    "mollie_reconciliation_discrepancy",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("identity", sa.String(64), primary_key=True),
    sa.Column("run_id", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("scope", sa.String(200), nullable=False),
    sa.Column("ids", LongText, nullable=False),
    sa.Column("evidence", LongText, nullable=False),
    sa.Column("suggested_action", LongText, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("first_seen_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=False),
    sa.Column("resolved_by", sa.String(140), nullable=True),
    sa.Column("resolved_at", UtcDateTime(), nullable=True),
    sa.Column("resolution_note", LongText, nullable=True),
    sa.Index("idx_reconciliation_discrepancy_run", "run_id"),
    sa.Index("idx_reconciliation_discrepancy_kind", "account", "kind", "status"),
)
