"""What no settlement paid out: payments and chargebacks that a closed settlement should hold but
that no settlement lists — and what is not due yet (pending).

A closed settlement covers the money that became available from the moment the previous
settlement closed up to (not including) its own `createdAt`. A paid payment becomes available
after its method's hold time (SEPA direct debit several business days, cards and iDEAL sooner),
so one paid late in a window is paid out by the next settlement. `Holds` bounds the hold per
method: a payment is due in the settlement whose window holds `paid_at + hold`.

- Paid, in no settlement, and its due settlement closed without it: `payment_missing_from_settlement`
  (ids: the payment and the settlement whose window holds its payment time; the evidence names
  the settlement that closed without it).
- Paid, in no settlement, its due settlement not closed yet: pending, never a finding.

A chargeback in a closed window that no settlement deducts, on a payment that was already paid
out, is money Mollie took back outside the settlements (`chargeback_after_settlement`).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import AbstractSet as Set, Iterable, Mapping

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


@dataclass(frozen=True)
class Holds:
    """The longest time a paid payment may stay pending before Mollie makes it available, per method
    (Mollie's docs give no figures: "several business days" for SEPA direct debit, less for the rest)."""

    by_method: Mapping[str, timedelta] = field(default_factory=lambda: {"directdebit": timedelta(days=10)})
    default: timedelta = timedelta(days=5)

    def of(self, method: str | None) -> timedelta:
        return self.by_method.get(method or "", self.default)

    @property
    def longest(self) -> timedelta:
        return max((self.default, *self.by_method.values()))


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


def due_span(window: SettlementWindow, holds: Holds) -> tuple[datetime | None, datetime]:
    """The paid_at range to read from the ledger for the payments `window` may be the due one of."""
    start = None if window.opens_after is None else window.opens_after - holds.longest
    return start, window.closes_at


def due_window(windows: list[SettlementWindow], payment: LedgerPayment, holds: Holds) -> SettlementWindow | None:
    """The closed settlement that must hold `payment` at the latest, or None while none has closed."""
    return window_for(windows, payment.paid_at + holds.of(payment.method)) if payment.paid_at else None


@dataclass
class PendingPayments:
    """Paid payments not yet in a closed settlement, summed per currency (settlement amounts). Each
    payment is added once: the ledger streams it once and it reaches one balance, so no ids are kept
    (the open settlement of a collection day holds tens of thousands)."""

    count: int = 0
    by_currency: dict[str, Amount] = field(default_factory=dict)

    def add(self, payment: LedgerPayment) -> None:
        amount = payment.settlement_amount or payment.amount
        self.count += 1
        self.by_currency[amount.currency] = self.by_currency.get(amount.currency, Amount.zero(amount.currency)) + amount

    def summary(self) -> dict:
        return {"count": self.count, "amounts": {c: f"{a.value:f}" for c, a in sorted(self.by_currency.items())}}


def pending_since(windows: list[SettlementWindow], holds: Holds) -> datetime | None:
    """The earliest paid_at a pending payment can have (None: no settlement has closed yet)."""
    return windows[-1].closes_at - holds.longest if windows else None


def pending_payments(windows: list[SettlementWindow], payments: Iterable[LedgerPayment], holds: Holds,
                     into: PendingPayments | None = None) -> PendingPayments:
    """Of unsettled paid payments, those whose due settlement has not closed yet (added to `into`)."""
    pending = PendingPayments() if into is None else into
    for p in payments:
        if p.paid_at and (not windows or p.paid_at + holds.of(p.method) >= windows[-1].closes_at):
            pending.add(p)
    return pending


def unsettled_payments(
    window: SettlementWindow, windows: list[SettlementWindow], payments: Iterable[LedgerPayment], holds: Holds,
    never_released: Mapping[str, str] | None = None, released: Set[str] = frozenset(),
    captures: Mapping[str, str] | None = None,
) -> list[Discrepancy]:
    """Findings for the unsettled paid payments whose due settlement is `window` (read with
    `due_span`); the others are due in another window or not due yet (pending). A payment in
    `never_released` (payment id → its transaction) is still pending on the balance; one in
    `released` was available before its holder closed, so its holder is due to hold it; one in
    `captures` (payment id → its capture) was captured by hand, so its capture is what is missing."""
    findings = []
    for p in payments:
        due = window_for(windows, p.paid_at) if p.id in released and p.paid_at else due_window(windows, p, holds)
        if due is None or due.settlement_id != window.settlement_id:
            continue
        holder = window_for(windows, p.paid_at) or window
        if never_released and p.id in never_released:
            findings.append(make_discrepancy(
                K.PENDING_FUNDS_NEVER_RELEASED, p.settlement_amount or p.amount, (p.id, never_released[p.id]), p.id,
                paid_at=p.paid_at.isoformat() if p.paid_at else None, payment_amount=money(p.amount),
                hold=str(holds.of(p.method)), closed_without_it=window.settlement_id,
                balance_transaction=never_released[p.id], funds="still pending on the balance",
            ))
            continue
        if captures and p.id in captures:
            findings.append(make_discrepancy(
                K.CAPTURE_MISSING_FROM_SETTLEMENT, p.amount_captured or p.amount,
                (captures[p.id], p.id, holder.settlement_id), captures[p.id], payment_id=p.id,
                captured_at=p.paid_at.isoformat() if p.paid_at else None, expected_settlement=holder.settlement_id,
                closed_without_it=window.settlement_id, hold=str(holds.of(p.method)), listed_by_a_settlement=False,
            ))
            continue
        findings.append(make_discrepancy(
            K.PAYMENT_MISSING_FROM_SETTLEMENT, p.settlement_amount or p.amount, (p.id, holder.settlement_id), p.id,
            paid_at=p.paid_at.isoformat() if p.paid_at else None, payment_amount=money(p.amount),
            settlement_window=f"[{holder.opens_after.isoformat() if holder.opens_after else '…'}, "
                              f"{holder.closes_at.isoformat()})",
            expected_settlement=holder.settlement_id, closed_without_it=window.settlement_id,
            hold=str(holds.of(p.method)), payment_settlement_id=None, listed_by_a_settlement=False,
        ))
    return findings


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


def overdue(windows: list[SettlementWindow], payments: Iterable[LedgerPayment], holds: Holds,
            reconciled: set[str]) -> list[str]:
    """Ids of the unsettled paid payments whose due settlement is a reconciled closed one."""
    out = []
    for p in payments:
        due = due_window(windows, p, holds)
        if due is not None and due.settlement_id in reconciled:
            out.append(p.id)
    return out
