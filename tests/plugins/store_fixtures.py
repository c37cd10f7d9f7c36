"""Fixtures for store contract tests: every test runs on an SQLite file AND on the real MariaDB.

`sql_store_url` is parametrised: `[sqlite]` is a fresh file under tmp_path, `[mariadb]` a fresh
database (created next to the per-worker `mariadb_url` one and dropped afterwards), so tests may
tamper with rows freely. `sql_engine` is an engine on it with every registered table created.
"""

from __future__ import annotations

import contextlib
import itertools
import os

import pytest
import sqlalchemy as sa

_counter = itertools.count(1)


@contextlib.contextmanager
def fresh_mariadb_database(base_url: str):
    """A new, empty database next to `base_url`'s, dropped on leaving; yields its URL."""
    base = sa.make_url(base_url)
    name = f"{base.database}_t{os.getpid()}_{next(_counter)}"[:64]
    server = sa.create_engine(base.set(database=None))
    with server.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        server.dispose()


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def sql_store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    with fresh_mariadb_database(request.getfixturevalue("mariadb_url")) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def module_sql_store_url(request, tmp_path_factory):
    """`sql_store_url` shared by a module's tests (for an expensive setup they only read)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.sqlite3'}"
        return
    with fresh_mariadb_database(request.getfixturevalue("mariadb_url")) as url:
        yield url


@pytest.fixture
def sql_engine(sql_store_url):
    from verenigingen.verenigingen_payments.store.sql import open_store_engine

    engine = open_store_engine(sql_store_url)
    yield engine
    engine.dispose()
