"""One statement file in: its format recognised, read, and checked whole before anything is kept.

A file is refused (a `StatementError` naming the file and the place) when it is neither CAMT.053
XML nor MT940, when it is another CAMT version, when it is cut short, when it is for another
account than the one expected, when it mixes currencies, or when its opening balance plus its
entries does not give its closing balance.
"""

from __future__ import annotations

from pathlib import Path

from .camt053_reader import read_camt053
from .mt940_reader import read_mt940
from .statement import BankStatement, StatementError

MAX_FILE_BYTES = 50 * 1024 * 1024


def read_statement_path(path: Path | str, expect_iban: str | None = None) -> list[BankStatement]:
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise StatementError(path.name, "file", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return read_statement_bytes(path.read_bytes(), path.name, expect_iban)


def read_statement_bytes(data: bytes, source: str, expect_iban: str | None = None) -> list[BankStatement]:
    """Every statement of the file, checked; nothing is returned unless all of them pass."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        statements = read_camt053(data, source)
    elif head in (b":", b"{"):
        statements = read_mt940(data, source)
    else:
        raise StatementError(source, "line 1", "neither CAMT.053 XML nor MT940")
    if not statements:
        raise StatementError(source, "file", "holds no statement")
    for statement in statements:
        _check(statement, expect_iban)
    currencies = {s.currency for s in statements}
    if len(currencies) > 1:
        raise StatementError(source, "file", f"mixes currencies {', '.join(sorted(currencies))}")
    return statements


def normalised_iban(iban: str) -> str:
    return "".join(iban.split()).upper()


def _check(statement: BankStatement, expect_iban: str | None) -> None:
    source, label = statement.source, f"statement {statement.statement_id or '(no id)'}"
    if expect_iban and normalised_iban(statement.iban) != normalised_iban(expect_iban):
        raise StatementError(source, label, f"is for account {statement.iban}, not {normalised_iban(expect_iban)}")
    for line in statement.lines:
        if line.currency != statement.currency:
            raise StatementError(source, line.place,
                                 f"entry in {line.currency} on a {statement.currency} statement (mixed currencies)")
    total = statement.opening + sum((line.amount for line in statement.lines), start=0)
    if total != statement.closing:
        raise StatementError(source, label, f"opening {statement.opening} plus its entries is {total}, "
                                            f"not its closing {statement.closing} (entries missing or cut off)")
