"""Whether a store URL given by a person can be used, checked before anything is created.

An SQLite URL must name a file in a folder that exists (the folder is never created here: a typo
would otherwise leave folders wherever it points); a MariaDB URL must name a database on a server
that answers. Every refusal is an `InvalidInput` naming the option, whose message never repeats the
URL (it may carry a password).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from ...core.errors import InvalidInput

SUPPORTED = {("sqlite", "pysqlite"), ("mysql", "pymysql"), ("mariadb", "pymysql")}
PROBE_TIMEOUT_SECONDS = 5


def check_store_url(url: str, field: str = "--store-url") -> sa.URL:
    """The parsed URL if its shape and target are usable; InvalidInput otherwise (nothing created)."""
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError, TypeError):
        raise InvalidInput(f"{field} is not a database URL (sqlite:///path or mysql+pymysql://…/db)",
                           field=field) from None
    if (parsed.get_backend_name(), parsed.get_driver_name()) not in SUPPORTED:
        raise InvalidInput(f"{field} must be sqlite:///path or mysql+pymysql://user@host:port/database",
                           field=field)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed, field)
    elif not parsed.database:
        raise InvalidInput(f"{field} names no database (…/database at its end)", field=field)
    return parsed


def probe_store(url: sa.URL, field: str = "--store-url") -> None:
    """Connect once to a MariaDB store (SQLite needs no probe); InvalidInput when it does not answer."""
    if url.get_backend_name() == "sqlite":
        return
    engine = sa.create_engine(url, connect_args={"connect_timeout": PROBE_TIMEOUT_SECONDS}, poolclass=sa.NullPool)
    try:
        with engine.connect():
            pass
    except sa.exc.DBAPIError as exc:
        raise InvalidInput(f"{field}: the database at {url.host!r} port {url.port or 3306} cannot be used "
                           f"({_reason(exc)})", field=field) from None
    finally:
        engine.dispose()


def _check_sqlite_file(url: sa.URL, field: str) -> None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise InvalidInput(f"{field} must name an SQLite file (sqlite:///path/to/file.sqlite3)", field=field)
    if "\x00" in database:
        raise InvalidInput(f"{field} is not a usable file path", field=field)
    path = Path(database)
    try:
        is_other = path.exists() and not path.is_file()
        folder_exists = path.parent.is_dir()
    except OSError:  # a name too long for the file system
        raise InvalidInput(f"{field} is not a usable file path", field=field) from None
    if is_other:
        raise InvalidInput(f"{field} names {str(path)!r}, which is not a file", field=field)
    if not folder_exists:
        raise InvalidInput(f"{field}: the folder {str(path.parent)!r} does not exist (it is not created)",
                           field=field)


def _reason(exc: sa.exc.DBAPIError) -> str:
    args = getattr(exc.orig, "args", ())
    text = str(args[1] if len(args) > 1 else exc.orig)
    return " ".join(text.split())[:200]
