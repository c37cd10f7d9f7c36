"""Column types shared by every table of the local store, identical on SQLite and MariaDB."""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import mysql


class UtcDateTime(sa.types.TypeDecorator):
    """Stores UTC without a zone, to the microsecond, and always returns an aware UTC datetime."""

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "mysql":
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(sa.DateTime())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError("a UTC column needs a timezone-aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def IdString(length: int) -> sa.types.TypeEngine:
    """A Mollie id or a key built from ids: compared byte for byte on MariaDB as on SQLite.

    MariaDB's default collation (utf8mb4_unicode_ci) would make `tr_abc` and `tr_ABC` (two payments)
    the same key, so a unique key or a lookup could answer differently than on SQLite.
    """
    return sa.String(length).with_variant(
        mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb")


LongText = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql")
"""Text up to 16 MB on MariaDB (plain TEXT stops at 64 KB)."""
