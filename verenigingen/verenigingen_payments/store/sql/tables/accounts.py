"""Tables of an adopted account's customers, mandates (IBAN masked) and settlement history (mirror the
Mollie Customer, Mollie Mandate and Mollie Settlement DocTypes)."""

from __future__ import annotations

import sqlalchemy as sa

from ..types import UtcDateTime

METADATA = sa.MetaData()
MIGRATIONS = ()

mollie_customer = sa.Table(
    "mollie_customer",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("member_reference", sa.String(140), nullable=True),
    sa.Column("matched_by", sa.String(16), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=True),
)

mollie_mandate = sa.Table(
    "mollie_mandate",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("mandate_id", sa.String(64), primary_key=True),
    sa.Column("customer_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("method", sa.String(32), nullable=False),
    sa.Column("iban_masked", sa.String(40), nullable=True),
    sa.Column("mandate_reference", sa.String(140), nullable=True),
    sa.Column("signature_date", sa.Date, nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=True),
    sa.Index("idx_mollie_mandate_customer", "account", "customer_id"),
)

mollie_settlement = sa.Table(
    "mollie_settlement",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("settlement_id", sa.String(64), primary_key=True),
    sa.Column("reference", sa.String(140), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=True),
    sa.Column("settled_at", UtcDateTime(), nullable=True),
)
