"""Idempotent schema creation and a tiny versioned-migrations mechanism for the local store.

Each feature declares its tables in its own module under `store/sql/tables/` on `STORE_METADATA`
(or on its own `METADATA`) and registers that module in `tables/__init__.py:TABLE_MODULES`.
`ensure_schema` creates whatever is missing (`create_all`, safe to run at every start and from
several processes at once) and then applies the module's `MIGRATIONS` not yet recorded in
`store_migration`.

The rule for changing a table later: edit the Table (so new databases get the new shape) AND
append a Migration whose `apply` is idempotent (e.g. `add_column_if_missing`), so existing
databases get it too. Never edit or reorder a migration once committed; ids are unique per module.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from .types import UtcDateTime

logger = logging.getLogger(__name__)

STORE_METADATA = sa.MetaData()


@dataclass(frozen=True)
class Migration:
    """One idempotent step that brings an existing database to a table module's newest shape."""

    id: str
    apply: Callable[[sa.Connection], None]


migration_log = sa.Table(
    "store_migration",
    sa.MetaData(),
    sa.Column("module", sa.String(200), primary_key=True),
    sa.Column("migration_id", sa.String(100), primary_key=True),
    sa.Column("applied_at", UtcDateTime(), nullable=False),
)


def add_column_if_missing(connection: sa.Connection, table: sa.Table, column_name: str) -> None:
    """ALTER TABLE … ADD COLUMN for a column declared on `table` that the database lacks."""
    existing = {c["name"] for c in sa.inspect(connection).get_columns(table.name)}
    if column_name in existing:
        return
    column = table.c[column_name]
    ddl = sa.schema.CreateColumn(column).compile(dialect=connection.dialect)
    connection.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))


def retype_column_on_mysql(connection: sa.Connection, table: sa.Table, column_name: str) -> None:
    """ALTER TABLE … MODIFY a column to its declared type on MariaDB (SQLite keeps no collation)."""
    if connection.dialect.name != "mysql":
        return
    ddl = sa.schema.CreateColumn(table.c[column_name]).compile(dialect=connection.dialect)
    connection.execute(sa.text(f"ALTER TABLE {table.name} MODIFY COLUMN {ddl}"))


def ensure_schema(engine: sa.Engine, modules: Iterable[str] | None = None) -> None:
    """Create missing tables and apply pending migrations of every registered table module."""
    if modules is None:
        from .tables import TABLE_MODULES

        modules = TABLE_MODULES
    loaded = [importlib.import_module(name) for name in modules]
    metadatas = [migration_log.metadata, STORE_METADATA]
    metadatas += [m.METADATA for m in loaded if getattr(m, "METADATA", None) is not None]
    for metadata in _unique(metadatas):
        _create_all_tolerating_races(engine, metadata)
    for module in loaded:
        _apply_migrations(engine, module.__name__, getattr(module, "MIGRATIONS", ()))


def _unique(metadatas: list[sa.MetaData]) -> list[sa.MetaData]:
    seen: dict[int, sa.MetaData] = {}
    for metadata in metadatas:
        seen.setdefault(id(metadata), metadata)
    return list(seen.values())


def _create_all_tolerating_races(engine: sa.Engine, metadata: sa.MetaData, attempts: int = 3) -> None:
    """Another process may create the same table between our check and our CREATE: retry."""
    for attempt in range(1, attempts + 1):
        try:
            metadata.create_all(engine, checkfirst=True)
            return
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
            if attempt == attempts or "already exists" not in str(exc).lower():
                raise


def _apply_migrations(engine: sa.Engine, module: str, migrations: Iterable[Migration]) -> None:
    migrations = list(migrations)
    if not migrations:
        return
    with engine.connect() as connection:
        applied = set(connection.scalars(
            sa.select(migration_log.c.migration_id).where(migration_log.c.module == module)))
    for migration in migrations:
        if migration.id in applied:
            continue
        with engine.begin() as connection:
            migration.apply(connection)
            try:
                with connection.begin_nested():
                    connection.execute(migration_log.insert().values(
                        module=module, migration_id=migration.id,
                        applied_at=datetime.now(timezone.utc)))
            except sa.exc.IntegrityError:
                logger.debug("migration %s/%s recorded by another process", module, migration.id)
