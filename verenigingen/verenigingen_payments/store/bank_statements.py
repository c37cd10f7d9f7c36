"""What the payout matching needs of a bank statement store; the SQL store
(`store/sql/bank_statement_store.py`) and the site's DocTypes (`frappe_integration/bank/stores.py`)
implement it with the same meaning: lines keyed by (iban, entry_ref), added once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Protocol

from ..bank.statement import BankLine, BankStatement


@dataclass(frozen=True)
class ImportOutcome:
    statements: int
    lines_added: int
    lines_known: int


class BankStatementStore(Protocol):
    def import_statements(self, statements: Iterable[BankStatement]) -> ImportOutcome: ...

    def lines(self, iban: str, from_date: date | None = None, until: date | None = None) -> list[BankLine]: ...

    def statements(self, iban: str) -> list[dict]:
        """Each imported statement of the account as a dict with at least `from_date` and `to_date`."""
        ...
