"""Tables of the Mollie Audit Log (mirrors the DocType), its chain heads and the pseudonym map."""

from __future__ import annotations

import sqlalchemy as sa

from ..schema import STORE_METADATA, Migration
from ..types import LongText, UtcDateTime

audit_log = sa.Table(
    "mollie_audit_log",
    STORE_METADATA,
    sa.Column("chain_id", sa.String(140), primary_key=True),
    sa.Column("sequence", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True,
              autoincrement=False),
    sa.Column("event_type", sa.String(100), nullable=False),
    sa.Column("created", UtcDateTime(), nullable=False),
    sa.Column("actor", sa.String(140), nullable=False),
    sa.Column("settings_name", sa.String(140), nullable=True),
    sa.Column("resource_type", sa.String(100), nullable=True),
    sa.Column("resource_id", sa.String(140), nullable=True),
    sa.Column("subject_token", sa.String(80), nullable=True),
    sa.Column("details", LongText, nullable=False),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("previous_hash", sa.String(64), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
    sa.Index("idx_audit_event", "event_type", "created"),
    sa.Index("idx_audit_subject", "subject_token"),
    sa.Index("idx_audit_entry_hash", "entry_hash"),
)

audit_chain_head = sa.Table(
    "mollie_audit_chain_head",
    STORE_METADATA,
    sa.Column("chain_id", sa.String(140), primary_key=True),
    sa.Column("sequence", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),
    sa.Column("entry_hash", sa.String(64), nullable=False),
)

pseudonym = sa.Table(
    "mollie_pseudonym",
    STORE_METADATA,
    sa.Column("token", sa.String(80), primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("value", sa.String(255), nullable=False),
    sa.Column("created", UtcDateTime(), nullable=False),
)

MIGRATIONS: tuple[Migration, ...] = ()
