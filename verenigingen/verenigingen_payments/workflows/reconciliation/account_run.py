"""One account's reconciliation for one period, through the clients, resumable from checkpoints.

Phases, each recorded in the run's checkpoint as it completes: sync the ledger, read the
chargebacks once (their reversals are terms of the settlement whose window holds `reversedAt`;
those no settlement deducts are kept for the chargeback check), reconcile each settlement closed in
the period, note the open settlement (a settlement being built: its lines are pending, never
findings) when the period reaches now, find chargebacks no settlement deducts, check each balance's
report against its transactions. Every balance is reconciled on its own (`balance_books`): its
settlements' windows, its transactions, the payments and chargebacks that reach it, pending and
available in its currency. Paid payments not yet due in a closed settlement are counted as
pending; a `payment_missing_from_settlement` of an earlier run whose payment a settlement now
holds is resolved, whichever period this run covers. Only one settlement's lines (a page at a
time) or one page of transactions is in memory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Callable, Iterable

from ...core.calendar import AMSTERDAM, amsterdam_midnight
from ...core.errors import NotFoundError
from ...observability.recorders import observe_reconciliation_run
from ...store.ledger import LedgerPayment, PaymentLedger
from ...store.reconciliation_runs import COMPLETED, OPEN, ReconciliationStore, RunRecord
from .balance_checks import BalanceTransactionSums, check_balance_report
from .balance_books import BalanceBook, BalanceBooks
from .balance_scan import named_payments, transactions_without_payment
from .discrepancy import Discrepancy, DiscrepancyKind as K, make_discrepancy
from .inputs import LineKind, Settlement, SettlementLine
from .mollie_inputs import (
    capture_line, chargeback_line, ledger_payment_from, payment_line, refund_line, report_from, reversal_line,
    settlement_from, transaction_from,
)
from .payment_sync import sync_payments
from .settlement_arithmetic import sum_periods
from .settlement_check import finish_settlement
from .settlement_matching import SettlementMatcher
from .settlement_windows import (
    CLOSED, Holds, PendingPayments, due_span, overdue, pending_payments, pending_since, unsettled_chargeback,
    unsettled_payments, window_for,
)
from .pending_funds import judge_pending
from .tolerance import Tolerance

BATCH = 250


@dataclass
class MollieClients:
    payments: object
    settlements: object
    balances: object
    chargebacks: object

    @classmethod
    def for_config(cls, config) -> MollieClients:
        from ...clients import BalancesClient, ChargebacksClient, PaymentsClient, SettlementsClient

        return cls(PaymentsClient(config), SettlementsClient(config), BalancesClient(config), ChargebacksClient(config))


@dataclass
class AccountReconciliation:
    """The state of one run while it goes; `reconcile` drives it."""

    account: str
    clients: MollieClients
    ledger: PaymentLedger
    runs: ReconciliationStore
    period_from: date
    period_until: date
    tolerance: Tolerance = field(default_factory=Tolerance)
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    sync_ledger: bool = True
    holds: Holds = field(default_factory=Holds)
    run: RunRecord | None = None
    checkpoint: dict = field(default_factory=dict)
    settlement_summaries: list[dict] = field(default_factory=list)
    transactions_checked: int = 0
    _books: BalanceBooks | None = None
    _unsettled_candidates: list[SettlementLine] = field(default_factory=list)
    _reversed: list[SettlementLine] = field(default_factory=list)
    _never_released: dict[str, str] = field(default_factory=dict)
    _released: set[str] = field(default_factory=set)

    def reconcile(self) -> RunRecord:
        started = time.perf_counter()
        self.run = self.runs.start_run(self.account, self.period_from, self.period_until, self.clock())
        self.checkpoint = dict(self.run.checkpoint)
        self.settlement_summaries = list(self.checkpoint.get("settlements", []))
        try:
            if self.sync_ledger and not self.checkpoint.get("ledger_synced"):
                sync_payments(self.clients.payments, self.ledger, self.account, clock=self.clock)
                self._save(ledger_synced=True)
            settlements = [settlement_from(s) for s in self.clients.settlements.iter_settlements()]
            chosen = self._settlements_in_period(settlements)
            balances = self.clients.balances.list_balances()
            self._books = BalanceBooks.of(balances, self.clients.balances.get_primary_balance().id, settlements, chosen)
            self._read_chargebacks()
            for balance in balances:
                self._scan_balance(balance, self._books.books[balance.id])
            for settlement in chosen:
                if settlement.id not in self.checkpoint.get("settlements_done", []):
                    self._reconcile_settlement(settlement, self._books.of_settlement(settlement))
            if not self.checkpoint.get("unsettled_done"):
                for book in self._books:
                    self._find_never_released(book)
                    self._unsettled_payments(book, chosen)
                self._save(unsettled_done=True, settlements=self.settlement_summaries)
            if not self.checkpoint.get("chargebacks_done"):
                self._unsettled_chargebacks()
                self._reversals_never_credited()
                self._save(chargebacks_done=True)
            pending = PendingPayments()
            for book in self._books:
                pending_payments(book.windows, self._books.payments_on(book, (
                    p for p in self.ledger.iter_unsettled_paid(self.account, pending_since(book.windows, self.holds),
                                                               self.clock() + timedelta(days=1))
                    if p.id not in self._released)), self.holds, into=pending)
            self._clear_settled_since()
        except Exception as exc:  # recorded on the run, then raised for the caller's log
            self._observe(self.runs.finish_run(
                self.run.run_id, "failed", self.clock(), error=f"{type(exc).__name__}: {exc}",
                settlements_checked=self._checked(), transactions_checked=self.transactions_checked))
            raise
        totals = {"settlements": self.settlement_summaries, "pending_payments": pending.summary(),
                  "balances": list(self.checkpoint.get("balances", [])),
                  "elapsed_seconds": round(time.perf_counter() - started, 3)}
        return self._observe(self.runs.finish_run(self.run.run_id, COMPLETED, self.clock(),
                                                  settlements_checked=self._checked(),
                                                  transactions_checked=self.transactions_checked, totals=totals))

    def _checked(self) -> int:
        """Settlements checked: the open one is noted, not checked."""
        return sum(1 for s in self.settlement_summaries if not s.get("pending"))

    def _observe(self, run: RunRecord) -> RunRecord:
        """Prometheus: the run's outcome and duration, and this run's discrepancies by kind."""
        observe_reconciliation_run(run, self.runs.list_discrepancies(self.account, run_id=run.run_id))
        return run

    def _save(self, **changes) -> None:
        self.checkpoint.update(changes)
        self.runs.save_checkpoint(self.run.run_id, self.checkpoint)

    def _record(self, findings: Iterable[Discrepancy]) -> None:
        findings = list(findings)
        if findings:
            self.runs.record_discrepancies(self.account, self.run.run_id, findings, self.clock())

    def _settlements_in_period(self, settlements: list[Settlement]) -> list[Settlement]:
        start, end = amsterdam_midnight(self.period_from), amsterdam_midnight(self.period_until)
        chosen = sorted((s for s in settlements if s.status in CLOSED and s.created_at and start <= s.created_at < end),
                        key=lambda s: (s.created_at, s.id))
        if end > self.clock():
            try:
                chosen.append(settlement_from(self.clients.settlements.get_open()))
            except NotFoundError:
                pass
        return chosen

    def _reconcile_settlement(self, settlement: Settlement, book: BalanceBook) -> None:
        if settlement.status not in CLOSED:
            self._note_open(settlement)
            return
        matcher = SettlementMatcher(settlement)
        client = self.clients.settlements
        streams = ((client.iter_payments, payment_line), (client.iter_refunds, refund_line),
                   (client.iter_chargebacks, chargeback_line), (client.iter_captures, capture_line))
        for listing, to_line in streams:
            for batch in _batches((to_line(item), item) for item in listing(settlement.id)):
                lines = [line for line, _ in batch]
                known = self._ledger_for(lines, {line.id: item for line, item in batch})
                marked = matcher.match(lines, known)
                self.ledger.mark_settled_in(self.account, settlement.id, marked)
        matcher.match(book.scan.terms.get(settlement.id, ()), {})
        claimed = self.ledger.iter_claimed_by_settlement(self.account, settlement.id, unplaced_only=True)
        findings = finish_settlement(matcher, claimed, self.tolerance)
        self._record(findings)
        costs = sum_periods(settlement, self.tolerance).costs_gross
        sums = matcher.sums
        self._summarize(settlement, {
            "lines_total": f"{sums.lines_total.value:f}", "captures": sums.of(LineKind.CAPTURE).formatted_value(),
            "capture_count": sums.counts.get(LineKind.CAPTURE, 0),
            "reversals": sums.of(LineKind.CHARGEBACK_REVERSAL).formatted_value(),
            "costs_gross": f"{costs.value:f}", "expected": f"{(sums.lines_total - costs).value:f}",
            "adds_up": not any(f.kind is K.SETTLEMENT_LINES_MISMATCH for f in findings),
            "discrepancies": len(findings),
        })

    def _note_open(self, settlement: Settlement) -> None:
        """The open settlement is being built: shown with what it holds so far, never checked."""
        self._summarize(settlement, {"pending": True, "adds_up": None, "discrepancies": 0})

    def _summarize(self, settlement: Settlement, figures: dict) -> None:
        self.settlement_summaries.append({
            "id": settlement.id, "status": settlement.status, "amount": f"{settlement.amount.value:f}",
            "currency": settlement.currency, **figures,
        })
        self._save(settlements_done=self.checkpoint.get("settlements_done", []) + [settlement.id],
                   settlements=self.settlement_summaries)

    def _ledger_for(self, lines: list[SettlementLine], items: dict) -> dict[str, LedgerPayment]:
        """Ledger rows for the lines' payments; a payment line not yet in the ledger is added from
        Mollie's own object and named as missing locally; other unknown payments are looked up."""
        known = self.ledger.get_payments(self.account, {line.payment_id for line in lines if line.payment_id})
        added, findings = [], []
        for line in lines:
            if line.payment_id in known or not line.payment_id:
                continue
            if line.kind.value == "payment":
                payment = ledger_payment_from(items[line.id])
            else:
                payment = self._fetch_payment(line.payment_id)
                if payment is None:
                    continue
            known[payment.id] = payment
            added.append(payment)
            findings.append(make_discrepancy(
                K.PAYMENT_MISSING_LOCALLY, payment.amount, (payment.id,), payment.id,
                found_in=line.kind.value, line_id=line.id, added_to_ledger=True))
        if added:
            self.ledger.upsert_payments(self.account, added)
            self._record(findings)
        return known

    def _fetch_payment(self, payment_id: str) -> LedgerPayment | None:
        try:
            return ledger_payment_from(self.clients.payments.get_payment(payment_id))
        except NotFoundError:
            return None

    def _read_chargebacks(self) -> None:
        """One pass over the chargebacks: those in a reconciled window (of their balance) that no
        settlement deducts, and those Mollie reversed (`reversedAt`) inside a reconciled window, to
        find their credit."""
        self._unsettled_candidates, self._reversed = [], []
        for item in self.clients.chargebacks.iter_chargebacks():
            line = chargeback_line(item)
            book = self._books.of_line(line)
            window = window_for(book.windows, line.created_at) if line.created_at else None
            if not line.settlement_id and window is not None and window.settlement_id in book.reconciled:
                self._unsettled_candidates.append(line)
            reversal = reversal_line(item)
            if reversal is not None:
                held_by = window_for(book.windows, reversal.created_at)
                if held_by is not None and held_by.settlement_id in book.reconciled:
                    self._reversed.append(reversal)

    def _scan_balance(self, balance, book: BalanceBook) -> None:
        """One pass over the balance's transactions, newest first, back to the period's start or the
        first reconciled settlement's window (less the longest hold), whichever is earlier: the
        period's transactions against the balance report (once per run) and `BalanceScan`."""
        start, end = amsterdam_midnight(self.period_from), amsterdam_midnight(self.period_until)
        opened = [w.opens_after for w in book.windows if w.settlement_id in book.reconciled and w.opens_after is not None]
        scan_from = min([start, *(moment - self.holds.longest for moment in opened)])
        check = balance.id not in self.checkpoint.get("balances_done", [])
        sums = BalanceTransactionSums(balance.id, balance.currency, f"{balance.id}:{self.period_from}:{self.period_until}")
        in_scan = (transaction_from(t) for t in self.clients.balances.iter_transactions(balance.id))
        for batch in _batches(_between(in_scan, scan_from, end)):
            for tx in batch:
                book.scan.note(tx)
            placed = self.ledger.placement(self.account, named_payments(batch))
            book.scan.note_unplaced(batch, placed)
            if check:
                in_period = [tx for tx in batch if tx.created_at >= start]
                sums.add_many(in_period)
                self._record(transactions_without_payment(in_period, placed, self._fetch_and_store))
        if check:
            self._check_balance_report(balance, sums)

    def _unsettled_payments(self, book: BalanceBook, chosen: list[Settlement]) -> None:
        """Paid payments no settlement holds, each found by the closed settlement due to hold it; run
        once every reconciled settlement's lists are matched (a capture places its payment only then)."""
        for settlement in chosen:
            window = book.window_of(settlement.id)
            if window is None or settlement.status not in CLOSED:
                continue
            findings = unsettled_payments(window, book.windows, self._books.payments_on(book, self.ledger.iter_unsettled_paid(
                self.account, *due_span(window, self.holds))), self.holds, self._never_released, self._released,
                book.scan.unplaced_captures)
            self._record(findings)
            for summary in self.settlement_summaries:
                if summary["id"] == settlement.id:
                    summary["discrepancies"] += len(findings)

    def _find_never_released(self, book: BalanceBook) -> None:
        """Which overdue payments are still pending on this balance (see `pending_funds`)."""
        windows, end = book.windows, amsterdam_midnight(self.period_until)
        movements = book.scan.movements
        for payment_ids in movements.payment_ids():
            movements.forget(pid for pid, placed in self.ledger.placement(self.account, payment_ids).items() if placed)
        if not windows or windows[-1].closes_at > end or not len(movements):
            return
        closed_at = windows[-1].closes_at
        day = closed_at.astimezone(AMSTERDAM).date()
        report = report_from(self.clients.balances.get_report(book.id, day - timedelta(days=1), day), book.currency)
        opened = [w.opens_after for w in windows if w.settlement_id in book.reconciled]
        first = None if None in opened else min(opened, default=None)
        late = self._books.payments_on(book, self.ledger.iter_unsettled_paid(
            self.account, first - self.holds.longest if first else None, closed_at))
        verdict = judge_pending(report.close_pending, closed_at, self.holds.longest, movements,
                                overdue(windows, late, self.holds, book.reconciled), self.tolerance)
        self._never_released.update(verdict.never_released)
        self._released.update(verdict.released)

    def _reversals_never_credited(self) -> None:
        self._record(make_discrepancy(
            K.REVERSAL_NEVER_CREDITED, line.settlement_amount or line.amount, (line.id, line.payment_id), line.id,
            payment_id=line.payment_id, reversed_at=line.created_at.isoformat(),
            chargeback_reversal_transaction=None,
        ) for line in self._reversed if line.id not in self._books.of_line(line).scan.credited)

    def _unsettled_chargebacks(self) -> None:
        for batch in _batches(self._unsettled_candidates):
            known = self.ledger.get_payments(self.account, {line.payment_id for line in batch})
            findings = [f for f in (unsettled_chargeback(line, self._books.of_line(line).windows, known.get(line.payment_id))
                                    for line in batch) if f]
            self._record(findings)

    def _clear_settled_since(self) -> None:
        """Resolve open `payment_missing_from_settlement` / `pending_funds_never_released` findings (of
        any run) whose payment a settlement holds by now: Mollie paid it out later than it was due."""
        stale = [d for kind in (K.PAYMENT_MISSING_FROM_SETTLEMENT, K.PENDING_FUNDS_NEVER_RELEASED)
                 for d in self.runs.list_discrepancies(self.account, status=OPEN, kind=kind.value) if d.scope == d.ids[0]]
        if not stale:
            return
        held = self.ledger.get_payments(self.account, {d.ids[0] for d in stale})
        for d in stale:
            payment = held.get(d.ids[0])
            settlement = payment and (payment.settled_in or payment.settlement_id)
            if settlement:
                self.runs.resolve(self.account, d.identity, "reconciliation",
                                  f"paid out later by settlement {settlement} (run {self.run.run_id})", self.clock())

    def _check_balance_report(self, balance, sums: BalanceTransactionSums) -> None:
        self.transactions_checked += sums.count
        report = report_from(self.clients.balances.get_report(balance.id, self.period_from, self.period_until),
                             balance.currency)
        self._record(check_balance_report(report, sums, self.tolerance))
        summary = {"id": balance.id, "currency": balance.currency, "pending": f"{report.close_pending.value:f}",
                   "available": f"{report.close_available.value:f}", "until": report.until_date}
        self._save(balances_done=self.checkpoint.get("balances_done", []) + [balance.id],
                   balances=self.checkpoint.get("balances", []) + [summary])

    def _fetch_and_store(self, payment_id: str) -> bool:
        payment = self._fetch_payment(payment_id)
        if payment is None:
            return False
        self.ledger.upsert_payments(self.account, [payment])
        return True


def _between(transactions, start: datetime, end: datetime):
    """Transactions (newest first) with start <= createdAt < end; stops once past `start`."""
    for tx in transactions:
        if tx.created_at >= end:
            continue
        if tx.created_at < start:
            return
        yield tx


def _batches(items, size: int = BATCH):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
