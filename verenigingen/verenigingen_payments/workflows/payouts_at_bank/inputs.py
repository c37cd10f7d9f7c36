"""The two sides matched: Mollie's payouts (a settlement paid out, its `outgoing-transfer`, and what
came back of it) and the bank's lines, with the days the statements cover."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from ...bank.statement import BankLine


@dataclass(frozen=True)
class Payout:
    settlement_id: str
    reference: str
    amount: Decimal  # what left the Mollie balance (positive)
    currency: str
    paid_at: datetime
    paid_day: date  # Amsterdam calendar day of the outgoing transfer
    transfer_tx: str
    returned_tx: str = ""  # a `returned-transfer`: the bank sent it back
    canceled_tx: str = ""  # a `canceled-transfer`: Mollie never sent it


@dataclass(frozen=True)
class BankSide:
    iban: str
    lines: tuple[BankLine, ...]
    covered_from: date
    covered_until: date  # the last day the statements cover


DEFAULT_BUSINESS_DAYS = 3


@dataclass(frozen=True)
class MatchRules:
    business_days: int = DEFAULT_BUSINESS_DAYS
    mollie_ibans: frozenset[str] = field(default_factory=frozenset)
    mollie_name: str = "mollie"

    def from_mollie(self, line: BankLine) -> bool:
        return line.counterparty_iban in self.mollie_ibans or self.mollie_name in line.counterparty_name.lower()
