"""Does the balance add up? Mollie's balance report against its own balance transactions.

For one balance and one period [from, until) in Europe/Amsterdam days:
- continuity inside the report: open + movements = close, for pending and available apart;
- per transaction category (payments, refunds, chargebacks, transfers, fee-prepayments,
  corrections, capital, topups): the report's movement equals the transactions' sum. As in
  Mollie's reports, a transaction's `initialAmount` counts in its own category and its
  `deductions` (fees withheld) under fee-prepayments — except for funds held as pending, which the
  report counts whole (after deductions) in their category (`_with_held_fees`);
- every movement is explained: a transaction needs a known type, the id of what caused it, the
  sign its type documents (`transaction_types`: a refund that adds money is not a refund) and the
  balance's currency (each balance is checked in its own currency, never summed into another's);
  a difference between report and transactions that no named transaction explains is itself
  an unexplained movement;
- a movement booked twice (same type, same cause, same amount, different transaction ids) is a
  duplicate. Keys are kept for `duplicate_window` only, and as a 64-bit hash (a collision among a
  collection day's keys has odds below 1 in 10^10), so memory stays small on a collection day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Iterable

from ...core.models.money import Amount
from .discrepancy import Discrepancy, DiscrepancyKind as K, make_discrepancy, money
from .inputs import BalanceReport, BalanceTransaction
from .tolerance import Tolerance
from .transaction_types import CATEGORY_OF_TYPE, NEEDS_REFERENCE, UNEXPLAINED_BY_NATURE, against_direction

CATEGORIES = ("payments", "refunds", "chargebacks", "capital", "transfers", "fee-prepayments", "corrections", "topups")


@dataclass
class BalanceTransactionSums:
    """Streams a balance's transactions for one period; keeps sums and findings, not the rows."""

    balance_id: str
    currency: str
    scope: str
    duplicate_window: timedelta = timedelta(days=2)
    by_category: dict[str, Amount] = field(default_factory=dict)
    result_total: Amount = field(init=False)
    count: int = 0
    findings: list[Discrepancy] = field(default_factory=list)
    explained_by_category: dict[str, Amount] = field(default_factory=dict)
    deductions_by_category: dict[str, tuple[Amount, Amount]] = field(default_factory=dict)
    _recent: dict[int, tuple[str, datetime]] = field(default_factory=dict)  # hash of (type, cause, amount)
    _last_pruned: datetime | None = None

    def __post_init__(self) -> None:
        self.result_total = Amount.zero(self.currency)

    def add_many(self, transactions: Iterable[BalanceTransaction]) -> None:
        for tx in transactions:
            self.add(tx)

    def add(self, tx: BalanceTransaction) -> None:
        self.count += 1
        if tx.initial_amount.currency != self.currency or tx.result_amount.currency != self.currency:
            self._unexplained(tx, f"booked in {tx.result_amount.currency} on a {self.currency} balance")
            return
        category = CATEGORY_OF_TYPE.get(tx.type)
        if self._is_duplicate(tx, category):
            return
        self._count(tx, category)
        if category is None:
            self._unexplained(tx, "unknown transaction type")
        elif tx.type in UNEXPLAINED_BY_NATURE:
            self._unexplained(tx, "no cause named")
        elif tx.type in NEEDS_REFERENCE and tx.reference_id is None:
            self._unexplained(tx, "context names no payment, refund, chargeback or settlement")
        elif against_direction(tx.type, tx.initial_amount.value):
            self._unexplained(tx, f"a {tx.type} of {tx.initial_amount.value} moves money the other way than its type")

    def _unexplained(self, tx: BalanceTransaction, reason: str) -> None:
        self.findings.append(make_discrepancy(
            K.UNEXPLAINED_BALANCE_MOVEMENT, tx.result_amount, (tx.id,), tx.id,
            balance_id=self.balance_id, transaction_type=tx.type,
            created_at=tx.created_at.isoformat(), reason=reason,
        ))

    def _count(self, tx: BalanceTransaction, category: str | None) -> None:
        self.result_total = self.result_total + tx.result_amount
        self._book(category or "corrections", tx.initial_amount)
        if tx.deductions is not None and tx.deductions.value:
            self._book("fee-prepayments", tx.deductions)
            own = category or "corrections"
            zero = Amount.zero(self.currency)
            withheld, given = self.deductions_by_category.get(own, (zero, zero))
            self.deductions_by_category[own] = (
                (withheld + tx.deductions, given) if tx.deductions.value < 0 else (withheld, given + tx.deductions))

    def _book(self, category: str, amount: Amount) -> None:
        self.by_category[category] = self.by_category.get(category, Amount.zero(self.currency)) + amount

    def _is_duplicate(self, tx: BalanceTransaction, category: str | None) -> bool:
        self._prune(tx.created_at)
        if tx.reference_id is None:
            return False
        key = hash((tx.type, tx.reference_id, tx.result_amount.value, tx.result_amount.currency))
        first = self._recent.get(key)
        if first is None:
            self._recent[key] = (tx.id, tx.created_at)
            return False
        if first[0] == tx.id:
            return True  # the same transaction served twice by paging: not a second movement
        # Booked by Mollie, so it is in the report: count it, and note it as explained there.
        self._count(tx, category)
        kind = K.INVOICE_COMPENSATED_TWICE if tx.type == "invoice-compensation" else K.DUPLICATE_BALANCE_TRANSACTION
        self.findings.append(make_discrepancy(
            kind, tx.result_amount, (tx.reference_id, first[0], tx.id), tx.reference_id,
            balance_id=self.balance_id, transaction_type=tx.type, reference_id=tx.reference_id,
            first_transaction=first[0], duplicate_transaction=tx.id,
            created_at=tx.created_at.isoformat(),
        ))
        return True

    def _prune(self, now: datetime) -> None:
        if self._last_pruned is not None and abs(now - self._last_pruned) < self.duplicate_window:
            return
        self._recent = {k: v for k, v in self._recent.items() if abs(now - v[1]) <= self.duplicate_window}
        self._last_pruned = now


def check_balance_report(
    report: BalanceReport, sums: BalanceTransactionSums, tolerance: Tolerance
) -> list[Discrepancy]:
    """Continuity of the report and agreement per category with the transactions."""
    findings: list[Discrepancy] = list(sums.findings)
    zero = Amount.zero(report.currency)
    scope = f"{report.balance_id}:{report.from_date}:{report.until_date}"
    cats = report.categories
    pending_in = sum((c.pending for c in cats.values()), zero)
    moved = sum((c.moved_to_available for c in cats.values()), zero)
    immediate = sum((c.immediately_available for c in cats.values()), zero)
    expected_pending = report.open_pending + pending_in - moved
    expected_available = report.open_available + moved + immediate
    for side, expected, actual in (
        ("pending", expected_pending, report.close_pending),
        ("available", expected_available, report.close_available),
    ):
        if not tolerance.agrees(expected, actual):
            findings.append(make_discrepancy(
                K.BALANCE_CONTINUITY_BREAK, tolerance.difference(expected, actual),
                (report.balance_id, side), scope, side=side,
                open=money(report.open_pending if side == "pending" else report.open_available),
                expected_close=money(expected), reported_close=money(actual),
            ))
    booked_by_category = _with_held_fees(cats, sums, tolerance, zero)
    for category in sorted(set(cats) | set(sums.by_category)):
        reported = cats[category].movement if category in cats else zero
        booked = booked_by_category.get(category, zero)
        if not tolerance.agrees(booked, reported):
            findings.append(make_discrepancy(
                K.UNEXPLAINED_BALANCE_MOVEMENT, tolerance.difference(booked, reported),
                (report.balance_id, category), scope, category=category,
                reported_movement=money(reported), transactions_sum=money(booked),
                transactions_counted=sums.count, period=f"[{report.from_date}, {report.until_date})",
                reason="the report moved money that no balance transaction explains"
                if abs(reported.value) > abs(booked.value) else
                "balance transactions the report does not contain",
            ))
    return findings


def _with_held_fees(cats: dict, sums: BalanceTransactionSums, tolerance: Tolerance, zero: Amount) -> dict[str, Amount]:
    """The transactions' sums per category as the report counts them. A movement held as pending is
    reported whole (after its deductions) in its own category, so for a category with pending funds
    the report may carry up to that category's deductions inside it instead of under fee-prepayments;
    what it carries there is moved from fee-prepayments to the category, never more."""
    booked = dict(sums.by_category)
    moved = zero
    for category, totals in cats.items():
        deductions = sums.deductions_by_category.get(category)
        if category == "fee-prepayments" or deductions is None or not totals.pending.value:
            continue
        shift = totals.movement - booked.get(category, zero)
        low, high = deductions[0].value, deductions[1].value
        slack = tolerance.for_currency(zero.currency)
        if low - slack <= shift.value <= high + slack:
            booked[category] = booked.get(category, zero) + shift
            moved = moved + shift
    if moved.value:
        booked["fee-prepayments"] = booked.get("fee-prepayments", zero) - moved
    return booked
