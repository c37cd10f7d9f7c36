"""Tables of dispute cases and their evidence (mirror the `Dispute Case` / `Dispute Evidence` DocTypes).

One case per chargeback: (account, chargeback_id) is unique, so concurrent discoveries of the
same chargeback (webhook, daily sync, settlement) cannot create two. Money is exact decimal text
beside its currency. `idx_dispute_status` is the deployment guide's (status, priority) index.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..types import LongText, UtcDateTime

METADATA = sa.MetaData()
MIGRATIONS = ()

dispute_case = sa.Table(
    "dispute_case",
    METADATA,
    sa.Column("case_id", sa.String(40), primary_key=True),
    sa.Column("account", sa.String(140), nullable=False),
    sa.Column("chargeback_id", sa.String(64), nullable=False),
    sa.Column("payment_id", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("settlement_currency", sa.String(3), nullable=True),
    sa.Column("settlement_amount", sa.String(40), nullable=True),
    sa.Column("settlement_id", sa.String(64), nullable=True),
    sa.Column("reason_code", sa.String(16), nullable=False),
    sa.Column("reason_description", sa.String(255), nullable=False),
    sa.Column("method", sa.String(32), nullable=True),
    sa.Column("customer_id", sa.String(64), nullable=True),
    sa.Column("member_reference", sa.String(140), nullable=True),
    sa.Column("chargeback_created_at", UtcDateTime(), nullable=False),
    sa.Column("reversed_at", UtcDateTime(), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("priority", sa.String(10), nullable=False),
    sa.Column("priority_score", sa.Integer, nullable=False),
    sa.Column("repeat_offences", sa.Integer, nullable=False),
    sa.Column("deadline", sa.Date, nullable=True),
    sa.Column("assignee", sa.String(140), nullable=True),
    sa.Column("resolution", LongText, nullable=True),
    sa.Column("note", LongText, nullable=True),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("resolved_at", UtcDateTime(), nullable=True),
    sa.Column("recovery_payment_id", sa.String(64), nullable=True),
    sa.Column("recovery_status", sa.String(20), nullable=True),
    sa.Column("recovery_attempt", sa.Integer, nullable=False),
    sa.Column("history", LongText, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.UniqueConstraint("account", "chargeback_id", name="uq_dispute_case_chargeback"),
    sa.Index("idx_dispute_status", "status", "priority"),
    sa.Index("idx_dispute_customer", "account", "customer_id"),
)

dispute_evidence = sa.Table(
    "dispute_evidence",
    METADATA,
    sa.Column("evidence_id", sa.String(40), primary_key=True),
    sa.Column("case_id", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("author", sa.String(140), nullable=False),
    sa.Column("summary", sa.String(255), nullable=False),
    sa.Column("body", LongText, nullable=True),
    sa.Column("contact_channel", sa.String(20), nullable=True),
    sa.Column("file_url", sa.String(500), nullable=True),
    sa.Index("idx_dispute_evidence_case", "case_id", "created_at"),
)
