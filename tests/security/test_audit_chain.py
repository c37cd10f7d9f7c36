"""The tamper-evident audit log on the SQL store (SQLite and MariaDB): sealing, concurrency without
forks or gaps, and a verifier that names the first edited, deleted or reordered entry."""

from __future__ import annotations

import base64
import logging
import multiprocessing
import os
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from verenigingen.verenigingen_payments.core.security.audit import AuditTrail
from verenigingen.verenigingen_payments.core.security.audit_verify import (
    DELETED,
    EDITED,
    REORDERED,
    UNKNOWN_KEY,
    verify_chain,
)
from verenigingen.verenigingen_payments.core.security.errors import AuditChainError
from verenigingen.verenigingen_payments.core.security.keys import KeyRing
from verenigingen.verenigingen_payments.store.interfaces import GENESIS_HASH, AuditLogStore
from verenigingen.verenigingen_payments.store.sql import SqlAuditLogStore, SqlPseudonymStore, open_store_engine

KEY_SPEC = "a1:" + base64.b64encode(b"k" * 32).decode()
RING = KeyRing.from_spec(KEY_SPEC)
CHAIN = "site.example"


def _trail(engine, **kwargs) -> AuditTrail:
    return AuditTrail(SqlAuditLogStore(engine), RING, chain_id=CHAIN,
                      pseudonyms=SqlPseudonymStore(engine), **kwargs)


def _fill(engine, count: int = 6) -> AuditTrail:
    trail = _trail(engine)
    for n in range(count):
        trail.record("settings_changed", actor="finance@example.org", settings_name="Production",
                     resource_type="Mollie Settings", resource_id="Production",
                     details={"fields": ["secret_key", "profile_id"], "n": n})
    return trail


def _execute(engine, sql: str, **params) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def test_the_sql_store_satisfies_the_append_only_protocol(sql_engine):
    store = SqlAuditLogStore(sql_engine)
    assert isinstance(store, AuditLogStore)
    public = {name for name in dir(store) if not name.startswith("_")}
    assert public == {"append", "head", "iter_entries", "find_by_hash", "find"}


def test_entries_are_sealed_in_sequence_and_linked(sql_engine):
    trail = _fill(sql_engine, 3)
    entries = list(SqlAuditLogStore(sql_engine).iter_entries(CHAIN))
    assert [e.sequence for e in entries] == [1, 2, 3]
    assert entries[0].previous_hash == GENESIS_HASH
    assert [e.previous_hash for e in entries[1:]] == [e.entry_hash for e in entries[:2]]
    assert entries[0].created.tzinfo is not None
    assert verify_chain(trail._store, RING, CHAIN).ok


def test_created_round_trips_to_the_microsecond_and_filters_like_the_guide(sql_engine):
    moment = datetime(2024, 3, 1, 23, 30, 0, 123456, tzinfo=timezone(timedelta(hours=1)))
    trail = _trail(sql_engine, clock=lambda: moment)
    trail.record("rotation_checked")
    store = SqlAuditLogStore(sql_engine)
    [entry] = store.find(created_after=datetime(2024, 1, 1, tzinfo=timezone.utc))
    assert entry.created == moment
    assert store.find(created_after=moment) == []
    assert verify_chain(store, RING, CHAIN).ok


def test_personal_data_is_kept_out_of_the_entries_and_erasure_keeps_the_chain(sql_engine):
    trail = _trail(sql_engine)
    trail.record("gdpr_export", actor="jan.jansen@example.org", subject=("member", "MEM-0042"),
                 details={"note": "export for jan.jansen@example.org", "iban": "NL91ABNA0417164300"})
    with sql_engine.connect() as conn:
        row_text = " ".join(str(v) for v in conn.execute(sa.text("SELECT * FROM mollie_audit_log")).one())
    for personal in ("jan.jansen", "MEM-0042", "NL91ABNA0417164300"):
        assert personal not in row_text
    pseudonyms = SqlPseudonymStore(sql_engine)
    token = trail.subject_token("member", "MEM-0042")
    assert pseudonyms.resolve(token) == "MEM-0042"
    assert [e.sequence for e in SqlAuditLogStore(sql_engine).find(subject_token=token)] == [1]
    assert pseudonyms.forget(token) is True
    assert pseudonyms.resolve(token) is None
    assert verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN).ok


def test_a_disabled_trail_writes_nothing_says_so_once_and_the_chain_stays_valid(sql_engine, caplog):
    _fill(sql_engine, 2)
    disabled = _trail(sql_engine, enabled=False)
    disabled.chain_id = f"{CHAIN}-disabled-{os.getpid()}-{id(sql_engine)}"
    with caplog.at_level(logging.WARNING):
        assert disabled.record("settings_changed") is None
        assert disabled.record("settings_changed") is None
    assert sum("disabled" in r.getMessage() for r in caplog.records) == 1
    _trail(sql_engine).record("settings_changed")
    verification = verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN)
    assert verification.ok and verification.entries_checked == 3


def test_details_that_cannot_be_canonicalised_are_refused_before_anything_is_written(sql_engine):
    trail = _trail(sql_engine)
    with pytest.raises(AuditChainError, match="details.amount"):
        trail.record("x", details={"amount": float("nan")})
    with pytest.raises(AuditChainError, match="created"):
        AuditTrail(SqlAuditLogStore(sql_engine), RING, chain_id=CHAIN,
                   clock=lambda: datetime(2024, 1, 1)).record("x")
    assert SqlAuditLogStore(sql_engine).head(CHAIN).sequence == 1


def test_verifier_names_an_edited_entry(sql_engine):
    _fill(sql_engine)
    _execute(sql_engine, "UPDATE mollie_audit_log SET details = :d WHERE sequence = 3", d='{"n":99}')
    problem = verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN).problem
    assert (problem.sequence, problem.kind) == (3, EDITED)


def test_verifier_names_an_entry_whose_stored_hash_was_rewritten(sql_engine):
    _fill(sql_engine)
    _execute(sql_engine, "UPDATE mollie_audit_log SET entry_hash = :h WHERE sequence = 4", h="f" * 64)
    problem = verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN).problem
    assert (problem.sequence, problem.kind) == (4, EDITED)


def test_verifier_names_a_deleted_entry(sql_engine):
    _fill(sql_engine)
    _execute(sql_engine, "DELETE FROM mollie_audit_log WHERE sequence = 2")
    problem = verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN).problem
    assert (problem.sequence, problem.kind) == (2, DELETED)


def test_verifier_names_a_deletion_hidden_by_renumbering(sql_engine):
    _fill(sql_engine)
    _execute(sql_engine, "DELETE FROM mollie_audit_log WHERE sequence = 3")
    for seq in (4, 5, 6):
        _execute(sql_engine, "UPDATE mollie_audit_log SET sequence = :new WHERE sequence = :old",
                 new=seq - 1, old=seq)
    problem = verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN).problem
    assert (problem.sequence, problem.kind) == (3, DELETED)


def test_verifier_names_the_latest_entries_deleted(sql_engine):
    _fill(sql_engine)
    _execute(sql_engine, "DELETE FROM mollie_audit_log WHERE sequence >= 5")
    problem = verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN).problem
    assert (problem.sequence, problem.kind) == (5, DELETED)


def test_verifier_names_reordered_entries(sql_engine):
    _fill(sql_engine)
    _execute(sql_engine, "UPDATE mollie_audit_log SET sequence = 1000 WHERE sequence = 3")
    _execute(sql_engine, "UPDATE mollie_audit_log SET sequence = 3 WHERE sequence = 4")
    _execute(sql_engine, "UPDATE mollie_audit_log SET sequence = 4 WHERE sequence = 1000")
    problem = verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN).problem
    assert (problem.sequence, problem.kind) == (3, REORDERED)


def test_verifier_needs_the_key_an_entry_was_sealed_with(sql_engine):
    _fill(sql_engine, 2)
    other_ring = KeyRing.from_spec("b2:" + base64.b64encode(b"z" * 32).decode())
    problem = verify_chain(SqlAuditLogStore(sql_engine), other_ring, CHAIN).problem
    assert (problem.sequence, problem.kind) == (1, UNKNOWN_KEY)


def test_entries_from_before_an_audit_key_rotation_still_verify(sql_engine):
    _fill(sql_engine, 2)
    rotated = KeyRing.from_spec("a2:" + base64.b64encode(b"n" * 32).decode() + "," + KEY_SPEC)
    AuditTrail(SqlAuditLogStore(sql_engine), rotated, chain_id=CHAIN).record("after_rotation")
    entries = list(SqlAuditLogStore(sql_engine).iter_entries(CHAIN))
    assert [e.key_id for e in entries] == ["a1", "a1", "a2"]
    assert verify_chain(SqlAuditLogStore(sql_engine), rotated, CHAIN).ok


def _write_from_process(url: str, count: int, start: multiprocessing.Event) -> None:
    engine = open_store_engine(url)
    trail = AuditTrail(SqlAuditLogStore(engine), KeyRing.from_spec(KEY_SPEC), chain_id=CHAIN)
    start.wait(10)
    for n in range(count):
        trail.record("concurrent", details={"pid": os.getpid(), "n": n})
    engine.dispose()


def test_concurrent_processes_and_threads_never_fork_or_skip(sql_store_url, sql_engine):
    per_writer, processes, threads = 15, 3, 3
    context = multiprocessing.get_context("fork")
    start = context.Event()
    workers = [context.Process(target=_write_from_process, args=(sql_store_url, per_writer, start))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    trail = _trail(sql_engine)
    errors: list[BaseException] = []

    def write_in_thread():
        start.wait(10)
        try:
            for n in range(per_writer):
                trail.record("concurrent", details={"thread": threading.get_ident(), "n": n})
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    pool = [threading.Thread(target=write_in_thread) for _ in range(threads)]
    for thread in pool:
        thread.start()
    start.set()
    for thread in pool:
        thread.join(60)
    for worker in workers:
        worker.join(60)
    assert not errors
    assert [w.exitcode for w in workers] == [0] * processes
    total = per_writer * (processes + threads)
    entries = list(SqlAuditLogStore(sql_engine).iter_entries(CHAIN))
    assert [e.sequence for e in entries] == list(range(1, total + 1))
    verification = verify_chain(SqlAuditLogStore(sql_engine), RING, CHAIN)
    assert verification.ok, verification.summary()
    assert verification.entries_checked == total
