"""Imported statements on the SQL store (SQLite and MariaDB): nothing twice, nothing half."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.bank.camt053_writer import camt053_bytes
from verenigingen.verenigingen_payments.bank.mt940_writer import mt940_text
from verenigingen.verenigingen_payments.bank.statement import StatementError
from verenigingen.verenigingen_payments.bank.statement_file import read_statement_bytes
from verenigingen.verenigingen_payments.store.sql.bank_statement_store import SqlBankStatementStore

from .statements import IBAN, PAYOUT, RENT, RETURN, line, same_content, statement
from .test_statement_files import CREATED


@pytest.fixture
def store(sql_engine) -> SqlBankStatementStore:
    return SqlBankStatementStore(sql_engine)


def _import(store, data: bytes, name: str):
    return store.import_statements(read_statement_bytes(data, name, expect_iban=IBAN))


def test_importing_the_same_file_twice_adds_its_lines_once(store):
    data = camt053_bytes([statement((PAYOUT, RENT, RETURN))], "M", CREATED)
    first = _import(store, data, "jan.xml")
    again = _import(store, data, "jan.xml")
    assert (first.lines_added, first.lines_known) == (3, 0)
    assert (again.lines_added, again.lines_known) == (0, 3)
    held = store.lines(IBAN)
    assert len(held) == 3 and all(same_content(a, b) for a, b in zip(held, (PAYOUT, RENT, RETURN)))
    assert len(store.statements(IBAN)) == 1


def test_an_overlapping_statement_in_the_other_format_adds_only_its_new_lines(store):
    _import(store, camt053_bytes([statement((PAYOUT, RENT), last=18)], "M", CREATED), "first-half.xml")
    later = line("B250125DUES", 25, "15.00", "Contributie lid 7", counterparty_name="A. Lid")
    overlapping = statement((RENT, RETURN, later), opening="1334.56", statement_id="STMT-B", first=18)
    outcome = _import(store, mt940_text([overlapping]).encode(), "overlap.sta")
    assert (outcome.lines_added, outcome.lines_known) == (2, 1)
    assert [x.entry_ref for x in store.lines(IBAN)] == [PAYOUT.entry_ref, RENT.entry_ref, RETURN.entry_ref,
                                                         later.entry_ref]
    assert store.covered_until(IBAN).isoformat() == "2025-01-31"


def test_a_file_with_one_bad_statement_imports_nothing(store):
    good = mt940_text([statement((PAYOUT,))])
    bad = mt940_text([statement((RENT,), statement_id="STMT-2")])
    bad = bad[:bad.index(":62F:")]
    with pytest.raises(StatementError, match="truncated"):
        _import(store, (good + bad).encode(), "two.sta")
    assert store.lines(IBAN) == [] and store.statements(IBAN) == []
