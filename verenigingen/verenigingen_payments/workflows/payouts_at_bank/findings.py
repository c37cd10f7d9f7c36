"""What matching payouts to the bank finds: a named kind, the ids it is about (the settlement, or
the bank entry for a credit with no settlement, first), its amount, evidence and what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, Mapping


class BankFindingKind(str, Enum):
    PAYOUT_NOT_AT_BANK = "payout_not_at_bank"
    PAYOUT_AMOUNT_DIFFERS = "payout_amount_differs"
    CREDIT_WITHOUT_SETTLEMENT = "credit_without_settlement"
    PAYOUT_RETURNED_BY_BANK = "payout_returned_by_bank"
    CREDIT_BOOKED_TWICE = "credit_booked_twice"

    def __str__(self) -> str:
        return self.value


BANK_FINDING_KINDS = tuple(str(k) for k in BankFindingKind)

ACTIONS = {
    BankFindingKind.PAYOUT_NOT_AT_BANK:
        "Ask the bank whether a transfer with this settlement reference came in; if not, ask Mollie support "
        "to trace the payout (settlement id, reference, amount, date).",
    BankFindingKind.PAYOUT_AMOUNT_DIFFERS:
        "Compare the bank credit with the settlement's amount; a lower credit means the bank or an "
        "intermediary deducted costs: ask the bank, and book the difference as bank costs only once explained.",
    BankFindingKind.CREDIT_WITHOUT_SETTLEMENT:
        "A credit from Mollie that no settlement paid out: ask Mollie which settlement or refund it is; do "
        "not book it as dues income until it is explained.",
    BankFindingKind.PAYOUT_RETURNED_BY_BANK:
        "The bank sent the payout back: check the bank account (IBAN, name) in Mollie's dashboard; Mollie "
        "pays the returned amount again in a later settlement — check that it arrives.",
    BankFindingKind.CREDIT_BOOKED_TWICE:
        "The bank booked the same payout twice: ask the bank to reverse the second booking; keep only one "
        "in the books.",
}


@dataclass(frozen=True)
class BankFinding:
    kind: BankFindingKind
    ids: tuple[str, ...]
    amount: Decimal
    currency: str
    evidence: Mapping[str, Any] = field(default_factory=dict)

    @property
    def action(self) -> str:
        return ACTIONS[self.kind]
