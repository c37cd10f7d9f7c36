"""What one pass over a balance's transactions gives the run besides the balance check.

- the settlement terms Mollie lists nowhere (reversal credits, returned refunds, payouts paid
  again, corrections), by the reconciled settlement whose window holds them;
- which chargebacks were credited back (a `chargeback-reversal` transaction names them);
- the payment/capture movements of payments no settlement places yet (for `pending_funds`), and
  the captures among them (a capture no settlement lists is `capture_missing_from_settlement`);
- movements naming a payment Mollie does not have.

Only what a reconciled settlement needs is kept; the unplaced movements live outside Python's heap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from .discrepancy import Discrepancy, DiscrepancyKind as K, make_discrepancy
from .inputs import BalanceTransaction, SettlementLine
from .mollie_inputs import transaction_line
from .pending_funds import UnplacedMovements
from .settlement_windows import SettlementWindow, window_for
from .transaction_types import REVERSAL

WITHOUT_PAYMENT = {"refund": K.REFUND_WITHOUT_PAYMENT, "chargeback": K.CHARGEBACK_WITHOUT_PAYMENT}
CREDITS = ("payment", "capture")
FAILURES = ("failed-payment", "unauthorized-direct-debit")  # a credit taken back while it was pending


@dataclass
class BalanceScan:
    windows: list[SettlementWindow]
    reconciled: set[str]
    terms: dict[str, list[SettlementLine]] = field(default_factory=dict)
    credited: set[str] = field(default_factory=set)
    movements: UnplacedMovements = field(default_factory=UnplacedMovements)

    @property
    def unplaced_captures(self) -> Mapping[str, str]:
        """Payment id -> its capture, of the captured payments among the unplaced movements."""
        return self.movements.captures

    def note(self, tx: BalanceTransaction) -> None:
        if tx.type == REVERSAL and tx.chargeback_id:
            self.credited.add(tx.chargeback_id)
        line = transaction_line(tx)
        if line is None:
            return
        held_by = window_for(self.windows, tx.created_at)
        if held_by is not None and held_by.settlement_id in self.reconciled:
            self.terms.setdefault(held_by.settlement_id, []).append(line)

    def note_unplaced(self, batch: Iterable[BalanceTransaction], placed: Mapping[str, bool]) -> None:
        """Only movements before the last closed settlement closed: the pending judgment and the
        missing captures look no later (the open settlement's thousands of credits are not kept)."""
        last_close = self.windows[-1].closes_at if self.windows else None
        for tx in batch:
            if last_close is None or tx.created_at >= last_close:
                continue
            if tx.type in CREDITS and tx.payment_id and placed.get(tx.payment_id) is False:
                self.movements.add(tx.payment_id, tx.id, tx.created_at, tx.result_amount, tx.capture_id)
            elif tx.type in FAILURES and tx.payment_id:
                self.movements.fail(tx.payment_id, tx.created_at)


def named_payments(batch: Iterable[BalanceTransaction]) -> set[str]:
    return {tx.payment_id for tx in batch if tx.payment_id and tx.type in (*WITHOUT_PAYMENT, *CREDITS)}


def transactions_without_payment(batch: Iterable[BalanceTransaction], placed: Mapping[str, bool],
                                 fetch_and_store: Callable[[str], bool]) -> list[Discrepancy]:
    """Payment, refund and chargeback movements whose payment neither the ledger nor Mollie has."""
    findings = []
    for tx in batch:
        if not tx.payment_id or tx.type not in (*WITHOUT_PAYMENT, "payment"):
            continue
        if tx.payment_id in placed or fetch_and_store(tx.payment_id):
            continue
        if tx.type == "payment":
            findings.append(make_discrepancy(K.UNEXPLAINED_BALANCE_MOVEMENT, tx.result_amount, (tx.id,), tx.id,
                                             reason="payment transaction for a payment Mollie does not have",
                                             payment_id=tx.payment_id))
        else:
            own = tx.refund_id or tx.chargeback_id or tx.id
            findings.append(make_discrepancy(WITHOUT_PAYMENT[tx.type], tx.result_amount, (own, tx.payment_id), own,
                                             payment_id=tx.payment_id, balance_transaction=tx.id))
    return findings
