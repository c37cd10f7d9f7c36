"""Tables of collections: one dunning case per (account, member, period) with its transitions, one
pre-notification row per (collection, version), and the outbox of member messages outside a site."""

from __future__ import annotations

import sqlalchemy as sa

from ..types import LongText, UtcDateTime

METADATA = sa.MetaData()
MIGRATIONS = ()

collection_case = sa.Table(
    "collection_case",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("member_reference", sa.String(140), primary_key=True),
    sa.Column("period", sa.String(7), primary_key=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("reason_code", sa.String(16), nullable=False),
    sa.Column("decision", sa.String(10), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("customer_id", sa.String(64), nullable=False),
    sa.Column("failed_payment_id", sa.String(64), nullable=False),
    sa.Column("failure_kind", sa.String(12), nullable=False),
    sa.Column("failed_on", sa.Date, nullable=False),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("subscription_id", sa.String(64), nullable=True),
    sa.Column("mandate_id", sa.String(64), nullable=True),
    sa.Column("retries_done", sa.Integer, nullable=False),
    sa.Column("next_action_on", sa.Date, nullable=True),
    sa.Column("retry_payment_id", sa.String(64), nullable=True),
    sa.Column("link_id", sa.String(64), nullable=True),
    sa.Column("link_url", sa.String(255), nullable=True),
    sa.Column("new_mandate", sa.Boolean, nullable=False),
    sa.Column("settled_by", sa.String(64), nullable=True),
    sa.Column("recovered_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Index("idx_collection_case_state", "account", "state", "next_action_on"),
)

collection_transition = sa.Table(
    "collection_transition",
    METADATA,
    sa.Column("transition_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account", sa.String(140), nullable=False),
    sa.Column("member_reference", sa.String(140), nullable=False),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("from_state", sa.String(20), nullable=False),
    sa.Column("to_state", sa.String(20), nullable=False),
    sa.Column("cause", sa.String(255), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Index("idx_collection_transition_case", "account", "member_reference", "period"),
)

collection_prenotification = sa.Table(
    "collection_prenotification",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("collection_key", sa.String(120), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("subscription_id", sa.String(64), nullable=False),
    sa.Column("member_reference", sa.String(140), nullable=False),
    sa.Column("customer_id", sa.String(64), nullable=False),
    sa.Column("collection_date", sa.Date, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("mandate_id", sa.String(64), nullable=False),
    sa.Column("mandate_reference", sa.String(64), nullable=False),
    sa.Column("creditor_id", sa.String(64), nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("change", sa.String(120), nullable=False),
    sa.Column("detail", sa.String(255), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("payment_id", sa.String(64), nullable=True),
)

collection_outbox = sa.Table(
    "collection_outbox",
    METADATA,
    sa.Column("message_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account", sa.String(140), nullable=False),
    sa.Column("kind", sa.String(80), nullable=False),
    sa.Column("member_reference", sa.String(140), nullable=False),
    sa.Column("recipient", sa.String(255), nullable=False),
    sa.Column("language", sa.String(5), nullable=False),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("body", LongText, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("printed_at", UtcDateTime(), nullable=True),
    sa.Index("idx_collection_outbox_account", "account", "printed_at"),
)
