"""What no settlement paid out: payments and chargebacks that fall in a closed settlement's window
but that no settlement lists.

A closed settlement covers the money booked from the moment the previous settlement closed up to
(not including) its own `createdAt`. A paid payment in that window which neither Mollie's payment object nor any
settlement's list places in a settlement was never paid out (`payment_missing_from_settlement`).
A chargeback in such a window that no settlement deducts, on a payment that was already paid
out, is money Mollie took back outside the settlements (`chargeback_after_settlement`).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from ...core.models.money import Amount
from ...store.ledger import LedgerPayment
from .discrepancy import Discrepancy, DiscrepancyKind as K, make_discrepancy, money
from .inputs import Settlement, SettlementLine


@dataclass(frozen=True)
class SettlementWindow:
    settlement_id: str
    opens_after: datetime | None
    closes_at: datetime


CLOSED = ("pending", "processing-at-bank", "paidout", "failed")


def windows_of(settlements: Iterable[Settlement]) -> list[SettlementWindow]:
    """Windows of the closed settlements, oldest first (settlements without createdAt are skipped)."""
    closed = sorted((s for s in settlements if s.status in CLOSED and s.created_at), key=lambda s: s.created_at)
    out, previous = [], None
    for s in closed:
        out.append(SettlementWindow(s.id, previous, s.created_at))
        previous = s.created_at
    return out


def window_for(windows: list[SettlementWindow], moment: datetime) -> SettlementWindow | None:
    """The closed settlement whose window holds `moment`, or None (still open, or before all)."""
    index = bisect_right([w.closes_at for w in windows], moment)
    if index >= len(windows):
        return None
    window = windows[index]
    return window if window.opens_after is None or moment >= window.opens_after else None


def unsettled_payments(window: SettlementWindow, payments: Iterable[LedgerPayment]) -> list[Discrepancy]:
    return [
        make_discrepancy(
            K.PAYMENT_MISSING_FROM_SETTLEMENT, p.settlement_amount or p.amount, (p.id, window.settlement_id), p.id,
            paid_at=p.paid_at.isoformat() if p.paid_at else None, payment_amount=money(p.amount),
            settlement_window=f"[{window.opens_after.isoformat() if window.opens_after else '…'}, "
                              f"{window.closes_at.isoformat()})",
            expected_settlement=window.settlement_id, payment_settlement_id=None, listed_by_a_settlement=False,
        )
        for p in payments
    ]


def unsettled_chargeback(
    chargeback: SettlementLine, windows: list[SettlementWindow], payment: LedgerPayment | None
) -> Discrepancy | None:
    """A chargeback no settlement deducts although a closed settlement's window holds it."""
    if chargeback.settlement_id or chargeback.created_at is None or payment is None:
        return None
    window = window_for(windows, chargeback.created_at)
    paid_out_in = payment.settled_in or payment.settlement_id
    if window is None or not paid_out_in:
        return None
    amount = chargeback.settlement_amount or (-chargeback.amount if chargeback.amount else Amount.zero("EUR"))
    return make_discrepancy(
        K.CHARGEBACK_AFTER_SETTLEMENT, amount, (chargeback.id, chargeback.payment_id, paid_out_in), chargeback.id,
        payment_paid_out_in=paid_out_in, chargeback_created_at=chargeback.created_at.isoformat(),
        expected_in_settlement=window.settlement_id, deducted_by_settlement=None,
    )
