"""What the engine finds: a named discrepancy with its amount, ids, evidence and a suggested action.

A discrepancy's `identity` depends only on what it is about (kind, scope, ids), never on when it
was found or on amounts, so the same problem found by tomorrow's run, or by a rerun of today's,
is the same record: a resolved one stays resolved and a rerun replaces instead of duplicating.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

from ...core.models.money import Amount


class DiscrepancyKind(str, Enum):
    """Every kind the engine can report. The first six are the kinds the emulator can plant."""

    SETTLEMENT_LINES_MISMATCH = "settlement_lines_mismatch"
    PAYMENT_MISSING_FROM_SETTLEMENT = "payment_missing_from_settlement"
    DUPLICATE_BALANCE_TRANSACTION = "duplicate_balance_transaction"
    REFUND_WITHOUT_PAYMENT = "refund_without_payment"
    UNEXPLAINED_BALANCE_MOVEMENT = "unexplained_balance_movement"
    CHARGEBACK_AFTER_SETTLEMENT = "chargeback_after_settlement"
    CHARGEBACK_WITHOUT_PAYMENT = "chargeback_without_payment"
    PAYMENT_MISSING_LOCALLY = "payment_missing_locally"
    PAYMENT_MISSING_AT_MOLLIE = "payment_missing_at_mollie"
    AMOUNT_MISMATCH = "amount_mismatch"
    STATUS_MISMATCH = "status_mismatch"
    DUPLICATE_SETTLEMENT_LINE = "duplicate_settlement_line"
    SETTLED_TWICE = "settled_twice"
    BALANCE_CONTINUITY_BREAK = "balance_continuity_break"
    REVERSAL_NEVER_CREDITED = "reversal_never_credited"
    RETURNED_PAYOUT_NEVER_REPAID = "returned_payout_never_repaid"
    INVOICE_COMPENSATED_TWICE = "invoice_compensated_twice"
    PENDING_FUNDS_NEVER_RELEASED = "pending_funds_never_released"
    CAPTURE_MISSING_FROM_SETTLEMENT = "capture_missing_from_settlement"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Discrepancy:
    """One named problem. `scope` is what it was found in (a settlement id, a balance and period)."""

    kind: DiscrepancyKind
    amount: Amount
    ids: tuple[str, ...]
    scope: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    suggested_action: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.kind, DiscrepancyKind):
            object.__setattr__(self, "kind", DiscrepancyKind(self.kind))
        if not self.ids:
            raise ValueError("a discrepancy names at least one id")

    @property
    def identity(self) -> str:
        """Stable across runs: kind, scope and the set of ids, hashed."""
        key = "|".join([self.kind.value, self.scope, *sorted(set(self.ids))])
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        return {
            "identity": self.identity,
            "kind": self.kind.value,
            "amount": {"value": f"{self.amount.value:f}", "currency": self.amount.currency},
            "ids": list(self.ids),
            "scope": self.scope,
            "evidence": dict(self.evidence),
            "suggested_action": self.suggested_action,
        }


SUGGESTED_ACTIONS: dict[DiscrepancyKind, str] = {
    DiscrepancyKind.SETTLEMENT_LINES_MISMATCH: (
        "Compare the settlement's payment, refund and chargeback lists and its period totals with "
        "Mollie's settlement PDF; ask Mollie support to explain the difference."
    ),
    DiscrepancyKind.PAYMENT_MISSING_FROM_SETTLEMENT: (
        "The payment was paid in this settlement's period but no settlement lists it: ask Mollie "
        "support which settlement pays it out before booking it as received."
    ),
    DiscrepancyKind.DUPLICATE_BALANCE_TRANSACTION: (
        "The same movement was booked twice on the Mollie balance: ask Mollie support to correct "
        "the balance and do not book the second movement."
    ),
    DiscrepancyKind.REFUND_WITHOUT_PAYMENT: (
        "A refund was paid out for a payment this association does not have: check who created it "
        "and claim it back from Mollie if it is not yours."
    ),
    DiscrepancyKind.UNEXPLAINED_BALANCE_MOVEMENT: (
        "Money moved on the Mollie balance without a payment, refund, chargeback or settlement "
        "behind it: ask Mollie support what it is before booking it."
    ),
    DiscrepancyKind.CHARGEBACK_AFTER_SETTLEMENT: (
        "The payment was charged back after it was paid out: reverse the member's dues booking, "
        "book the chargeback against the settlement that deducts it and contact the member."
    ),
    DiscrepancyKind.CHARGEBACK_WITHOUT_PAYMENT: (
        "A chargeback was deducted for a payment this association does not have: ask Mollie support."
    ),
    DiscrepancyKind.PAYMENT_MISSING_LOCALLY: (
        "Mollie has this payment but the local ledger does not: run the payment sync and check "
        "the webhook log for a missed notification."
    ),
    DiscrepancyKind.PAYMENT_MISSING_AT_MOLLIE: (
        "The local ledger has a payment Mollie does not know: check whether it was created in "
        "another account or test mode, and remove or correct the local record."
    ),
    DiscrepancyKind.AMOUNT_MISMATCH: (
        "The local amount differs from Mollie's: correct the local record from Mollie's."
    ),
    DiscrepancyKind.STATUS_MISMATCH: (
        "The local status differs from Mollie's: resync the payment and check the webhook log."
    ),
    DiscrepancyKind.DUPLICATE_SETTLEMENT_LINE: (
        "The settlement lists the same item twice: ask Mollie support to correct the settlement."
    ),
    DiscrepancyKind.SETTLED_TWICE: (
        "The payment appears in two settlements: ask Mollie support which one is right and claim "
        "the double payout back if needed."
    ),
    DiscrepancyKind.BALANCE_CONTINUITY_BREAK: (
        "Opening balance plus movements does not give the closing balance: ask Mollie support."
    ),
    DiscrepancyKind.REVERSAL_NEVER_CREDITED: (
        "Mollie reversed the chargeback (the payment is no longer charged back) but never credited the "
        "amount to the balance: ask Mollie support to book the chargeback reversal."
    ),
    DiscrepancyKind.RETURNED_PAYOUT_NEVER_REPAID: (
        "The bank sent the settlement's payout back and no later settlement pays it again: check the "
        "bank account on file with Mollie and ask Mollie support to pay the amount out."
    ),
    DiscrepancyKind.PENDING_FUNDS_NEVER_RELEASED: (
        "The payment's hold ended long ago but Mollie still counts its money as pending and paid it out in "
        "no settlement: ask Mollie support to release the funds."
    ),
    DiscrepancyKind.CAPTURE_MISSING_FROM_SETTLEMENT: (
        "The capture was booked on the balance and its funds were due in this settlement, but no settlement "
        "lists it: ask Mollie support which settlement pays the captured amount out before booking it as received."
    ),
    DiscrepancyKind.INVOICE_COMPENSATED_TWICE: (
        "Mollie took the same invoice from the balance twice: ask Mollie support to refund the second deduction."
    ),
}


def money(amount: Amount | None) -> str | None:
    """Evidence text for an amount, exact to however many decimals it has (periods carry four)."""
    return None if amount is None else f"{amount.currency} {amount.value:f}"


def make_discrepancy(
    kind: DiscrepancyKind, amount: Amount, ids: tuple[str, ...] | list[str], scope: str, **evidence: Any
) -> Discrepancy:
    return Discrepancy(kind, amount, tuple(ids), scope, evidence, SUGGESTED_ACTIONS[kind])
