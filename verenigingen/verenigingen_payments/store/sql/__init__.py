"""The SQL implementation of the store interfaces (SQLAlchemy Core; SQLite file or MariaDB)."""

from __future__ import annotations

import sqlalchemy as sa

from .audit_store import SqlAuditLogStore, SqlPseudonymStore
from .engine import create_store_engine, resolve_store_url, serialised_write
from .schema import STORE_METADATA, Migration, add_column_if_missing, ensure_schema


def open_store_engine(url: str | None = None) -> sa.Engine:
    """An engine for the local store with every registered table present and migrated."""
    engine = create_store_engine(url)
    ensure_schema(engine)
    return engine


__all__ = [
    "STORE_METADATA",
    "Migration",
    "SqlAuditLogStore",
    "SqlPseudonymStore",
    "add_column_if_missing",
    "create_store_engine",
    "ensure_schema",
    "open_store_engine",
    "resolve_store_url",
    "serialised_write",
]
