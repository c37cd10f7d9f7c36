"""A bank statement as this app keeps it, whatever file it came from.

Amounts are `Decimal` in the statement's one currency, signed: a credit is positive, a debit
negative. A line's `entry_ref` is its identity on the account (see `identity.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..core.errors import InvalidInput


class StatementError(InvalidInput):
    """A statement file that cannot be imported: names the file and the place in it."""

    def __init__(self, source: str, place: str, problem: str) -> None:
        self.source = source
        self.place = place
        super().__init__(f"{source}: {place}: {problem}", field=place)


@dataclass(frozen=True)
class BankLine:
    entry_ref: str
    ref_source: str  # "AcctSvcrRef", "NtryRef", "MT940 bank reference", "fallback"
    booking_date: date
    value_date: date
    amount: Decimal
    currency: str
    reversal: bool = False
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    end_to_end_id: str = ""
    return_reason: str = ""
    place: str = ""

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True)
class BankStatement:
    source: str
    format: str  # "camt.053.001.02", "camt.053.001.08", "mt940"
    statement_id: str
    iban: str
    currency: str
    from_date: date
    to_date: date
    opening: Decimal
    closing: Decimal
    lines: tuple[BankLine, ...] = field(default=())
    account_name: str = ""
