"""Tables of the webhook log and of the effects it has applied (SQLAlchemy Core, SQLite and MariaDB).

`mollie_webhook_log` mirrors the `Mollie Webhook Log` DocType field for field, including the
deployment guide's index `idx_webhook_processed (webhook_id, processed)`. `mollie_webhook_effect`
holds one row per applied effect key, so a state already applied is recognised as a duplicate.
Ids and the keys built from them compare byte for byte on MariaDB too (`IdString`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from ..schema import STORE_METADATA, Migration, retype_column_on_mysql
from ..types import IdString, LongText, UtcDateTime

_BODY = sa.LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql")

webhook_log = sa.Table(
    "mollie_webhook_log",
    STORE_METADATA,
    sa.Column("id", sa.String(40), primary_key=True),
    sa.Column("webhook_id", IdString(100), nullable=True),
    sa.Column("processed", sa.Boolean, nullable=False, default=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("account", sa.String(140), nullable=True),
    sa.Column("resource_type", sa.String(32), nullable=True),
    sa.Column("resource_id", IdString(100), nullable=True),
    sa.Column("parent_id", IdString(100), nullable=True),
    sa.Column("event_type", sa.String(64), nullable=True),
    sa.Column("event_created_at", UtcDateTime(), nullable=True),
    sa.Column("dedupe_key", IdString(160), nullable=True, unique=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("http_status", sa.Integer, nullable=False),
    sa.Column("rejection_reason", sa.String(40), nullable=True),
    sa.Column("signature_result", sa.String(40), nullable=False),
    sa.Column("client_ip", sa.String(64), nullable=True),
    sa.Column("headers", LongText, nullable=False),
    sa.Column("body", _BODY, nullable=True),
    sa.Column("body_encrypted", sa.Boolean, nullable=False, default=False),
    sa.Column("body_size", sa.Integer, nullable=False, default=0),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("lease_until", UtcDateTime(), nullable=True),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=True),
    sa.Column("last_error", LongText, nullable=True),
    sa.Column("processing_ms", sa.Integer, nullable=True),
    sa.Column("processed_at", UtcDateTime(), nullable=True),
    sa.Column("effect_key", IdString(200), nullable=True),
    sa.Column("operator_replay", sa.Boolean, nullable=False, default=False),
    sa.Index("idx_webhook_processed", "webhook_id", "processed"),
    sa.Index("idx_webhook_log_due", "status", "next_attempt_at"),
    sa.Index("idx_webhook_log_resource", "resource_id"),
    sa.Index("idx_webhook_log_received", "received_at"),
)

webhook_effect = sa.Table(
    "mollie_webhook_effect",
    STORE_METADATA,
    sa.Column("effect_key", IdString(200), primary_key=True),
    sa.Column("resource_type", sa.String(32), nullable=False),
    sa.Column("resource_id", IdString(100), nullable=False),
    sa.Column("status", sa.String(32), nullable=True),
    sa.Column("webhook_log_id", sa.String(40), nullable=False),
    sa.Column("applied_at", UtcDateTime(), nullable=False),
    sa.Index("idx_webhook_effect_resource", "resource_id"),
)


_BYTEWISE = {webhook_log: ("webhook_id", "resource_id", "parent_id", "dedupe_key", "effect_key"),
             webhook_effect: ("effect_key", "resource_id")}


def _ids_compare_bytewise(connection: sa.Connection) -> None:
    for table, columns in _BYTEWISE.items():
        for column in columns:
            retype_column_on_mysql(connection, table, column)


MIGRATIONS = (Migration("ids-compare-bytewise", _ids_compare_bytewise),)
