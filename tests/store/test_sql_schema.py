"""The local SQL store: URL resolution, SQLite concurrency settings, idempotent schema, migrations."""

from __future__ import annotations

import sqlalchemy as sa

from verenigingen.verenigingen_payments.store.sql import (
    Migration,
    add_column_if_missing,
    create_store_engine,
    ensure_schema,
    open_store_engine,
    resolve_store_url,
)


def test_store_url_prefers_explicit_then_environment_then_local_sqlite_file(tmp_path, monkeypatch):
    assert resolve_store_url("sqlite:///x.db", {"VERENIGINGEN_STORE_URL": "mysql+pymysql://h/d"}) == "sqlite:///x.db"
    assert resolve_store_url(None, {"VERENIGINGEN_STORE_URL": "mysql+pymysql://h/d"}) == "mysql+pymysql://h/d"
    monkeypatch.chdir(tmp_path)
    url = resolve_store_url(None, {})
    assert url == f"sqlite:///{tmp_path / 'var' / 'verenigingen.sqlite3'}"


def test_default_sqlite_store_is_created_under_var(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VERENIGINGEN_STORE_URL", raising=False)
    engine = open_store_engine()
    try:
        assert (tmp_path / "var" / "verenigingen.sqlite3").exists()
        assert "mollie_audit_log" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 's.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_schema_creation_is_idempotent_and_keeps_rows(sql_engine):
    with sql_engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO mollie_pseudonym (token, kind, value, created) "
            "VALUES ('psn_x', 'customer', 'cst_1', '2024-01-01 00:00:00')"))
    ensure_schema(sql_engine)
    ensure_schema(sql_engine)
    with sql_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM mollie_pseudonym")).scalar() == 1


def test_audit_table_has_the_deployment_guides_index(sql_engine):
    indexes = {i["name"]: i["column_names"] for i in sa.inspect(sql_engine).get_indexes("mollie_audit_log")}
    assert indexes["idx_audit_event"] == ["event_type", "created"]


def test_a_migration_adds_a_column_once_to_an_existing_table(sql_store_url, tmp_path):
    import sys
    import types

    module = types.ModuleType("vtest_widgets_tables")
    metadata = sa.MetaData()
    old = sa.Table("vtest_widget", metadata, sa.Column("id", sa.Integer, primary_key=True))
    module.METADATA = metadata
    module.MIGRATIONS = ()
    sys.modules[module.__name__] = module
    engine = create_store_engine(sql_store_url)
    try:
        ensure_schema(engine, modules=[module.__name__])
        with engine.begin() as conn:
            conn.execute(old.insert().values(id=1))

        newer = sa.MetaData()
        widget = sa.Table("vtest_widget", newer, sa.Column("id", sa.Integer, primary_key=True),
                          sa.Column("colour", sa.String(20), nullable=True))
        applied = []

        def add_colour(conn):
            applied.append(1)
            add_column_if_missing(conn, widget, "colour")

        module.METADATA = newer
        module.MIGRATIONS = (Migration("0001_add_colour", add_colour),)
        ensure_schema(engine, modules=[module.__name__])
        ensure_schema(engine, modules=[module.__name__])
        assert applied == [1]
        columns = {c["name"] for c in sa.inspect(engine).get_columns("vtest_widget")}
        assert columns == {"id", "colour"}
        with engine.connect() as conn:
            assert conn.execute(sa.select(widget.c.id, widget.c.colour)).all() == [(1, None)]
    finally:
        sys.modules.pop(module.__name__, None)
        engine.dispose()
