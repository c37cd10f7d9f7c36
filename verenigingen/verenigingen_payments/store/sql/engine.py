"""Engines for the local store: an SQLite file by default, MariaDB (PyMySQL) when given a URL.

SQLite is made safe for several threads and processes: WAL journal (readers never block the
writer), a generous busy timeout, and transactions begun explicitly so that a writer that must
serialise (the audit chain) can take the write lock up front with `BEGIN IMMEDIATE`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

STORE_URL_ENV = "VERENIGINGEN_STORE_URL"
DEFAULT_SQLITE_PATH = Path("var") / "verenigingen.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 30_000
_BEGIN_OPTION = "verenigingen_sqlite_begin"


def resolve_store_url(url: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """An explicit URL, else `VERENIGINGEN_STORE_URL`, else `var/verenigingen.sqlite3` here."""
    env = os.environ if environ is None else environ
    chosen = url or env.get(STORE_URL_ENV)
    if chosen:
        return chosen
    return f"sqlite:///{DEFAULT_SQLITE_PATH.resolve()}"


def create_store_engine(url: str | None = None) -> sa.Engine:
    """A configured engine for `url` (see `resolve_store_url`); creates the SQLite file's folder."""
    resolved = sa.make_url(resolve_store_url(url))
    if resolved.get_backend_name() == "sqlite":
        return _sqlite_engine(resolved)
    return sa.create_engine(resolved, pool_pre_ping=True, pool_recycle=3600, future=True)


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    database = url.database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        future=True,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # the "begin" hook below issues BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@contextmanager
def serialised_write(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that holds the write lock from its first statement on SQLite.

    On MariaDB it is an ordinary transaction; callers serialise there with `SELECT … FOR UPDATE`
    on the row they guard (which SQLite does not support and does not need under this lock).
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        with connection.begin():
            yield connection
