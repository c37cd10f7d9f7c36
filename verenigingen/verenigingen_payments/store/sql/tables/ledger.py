"""Tables of the local payment ledger (`mollie_payment`) and its sync cursor (SQLite and MariaDB).

Mirrors the `Mollie Payment` DocType. Money is stored as exact decimal text beside its currency
(SQLite has no exact decimal type); amounts never pass through float.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..schema import Migration, add_column_if_missing
from ..types import UtcDateTime

METADATA = sa.MetaData()


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.String(40), nullable=True)


mollie_payment = sa.Table(
    "mollie_payment",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("payment_id", sa.String(64), primary_key=True),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("method", sa.String(32), nullable=True),
    sa.Column("sequence_type", sa.String(16), nullable=True),
    sa.Column("customer_id", sa.String(64), nullable=True),
    sa.Column("member_reference", sa.String(140), nullable=True),
    sa.Column("subscription_id", sa.String(64), nullable=True),
    sa.Column("mandate_id", sa.String(64), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("paid_at", UtcDateTime(), nullable=True),
    _money("amount_refunded"),
    _money("amount_charged_back"),
    _money("amount_captured"),
    sa.Column("settlement_id", sa.String(64), nullable=True),
    sa.Column("settlement_currency", sa.String(3), nullable=True),
    _money("settlement_amount"),
    _money("fees"),
    sa.Column("settled_in", sa.String(64), nullable=True),
    sa.Column("synced_at", UtcDateTime(), nullable=False),
    sa.Index("idx_mollie_payment_settlement", "account", "settlement_id"),
    sa.Index("idx_mollie_payment_created", "account", "created_at"),
    sa.Index("idx_mollie_payment_paid", "account", "paid_at"),
)

mollie_payment_sync = sa.Table(
    "mollie_payment_sync",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("next_from", sa.String(64), nullable=True),
    sa.Column("since", UtcDateTime(), nullable=True),
    sa.Column("started_at", UtcDateTime(), nullable=True),
    sa.Column("completed_at", UtcDateTime(), nullable=True),
    sa.Column("synced", sa.Integer, nullable=False, default=0),
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration("mollie_payment.amount_captured",
              lambda connection: add_column_if_missing(connection, mollie_payment, "amount_captured")),
)
