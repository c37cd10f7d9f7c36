"""Matching one settlement's lines against the local ledger, batch by batch.

A payment is settled by its line in the payments list or, when it was captured by hand, by its
capture's line (Mollie lists such a payment under captures only; partial captures may be spread
over several settlements, the first one places the payment). Terms a settlement has no list for
(reversals, returned refunds …) are only summed.

The caller streams the settlement's lists in pages, looks the page's payment ids up in the
ledger and hands both to `SettlementMatcher.match`; only the ids seen in this settlement are
kept (to spot duplicates and what is missing), so memory is bounded by one settlement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ...core.models.money import Amount
from ...store.ledger import LedgerPayment
from .discrepancy import Discrepancy, DiscrepancyKind as K, make_discrepancy, money
from .inputs import LineKind, Settlement, SettlementLine
from .settlement_arithmetic import SettlementSums


def _line_money(line: SettlementLine, currency: str) -> Amount:
    return line.settlement_amount or line.amount or Amount.zero(currency)


@dataclass
class SettlementMatcher:
    """Accumulates one settlement's sums and findings; `finish` adds what the settlement lacks."""

    settlement: Settlement
    sums: SettlementSums = field(init=False)
    findings: list[Discrepancy] = field(default_factory=list)
    explained: Amount = field(init=False)
    explained_by: list[str] = field(default_factory=list)
    _seen: dict[str, LineKind] = field(default_factory=dict)  # line id -> its kind (ids are unique across lists)

    def __post_init__(self) -> None:
        self.sums = SettlementSums(self.settlement.currency)
        self.explained = Amount.zero(self.settlement.currency)

    def match(self, lines: Iterable[SettlementLine], ledger: Mapping[str, LedgerPayment]) -> list[str]:
        """Match a batch; returns the payment ids to mark as settled in this settlement."""
        to_mark: list[str] = []
        for line in lines:
            if self._seen.get(line.id) is line.kind:
                self._duplicate(line)
                continue
            self._seen[line.id] = line.kind
            self.sums.add(line)
            payment = ledger.get(line.payment_id)
            if line.kind is LineKind.PAYMENT:
                if self._match_payment(line, payment):
                    to_mark.append(line.id)
            elif line.kind is LineKind.REFUND and payment is None:
                self._without_payment(K.REFUND_WITHOUT_PAYMENT, line)
            elif line.kind is LineKind.CHARGEBACK:
                self._match_chargeback(line, payment)
            elif line.kind is LineKind.CAPTURE:
                if payment is None:
                    self._missing_locally(line)
                elif not payment.settled_in and line.payment_id not in to_mark:
                    to_mark.append(line.payment_id)  # a captured payment is settled through its capture
        return to_mark

    def finish(self, claimed: Iterable[LedgerPayment]) -> None:
        """Payments whose Mollie object names this settlement but which it does not list."""
        sid, currency = self.settlement.id, self.settlement.currency
        for payment in claimed:
            if self._seen.get(payment.id) is LineKind.PAYMENT or payment.settled_in == sid:  # listed, or by its capture
                continue
            amount = payment.settlement_amount or payment.amount
            if amount.currency == currency:
                self.explained = self.explained + amount
                self.explained_by.append(payment.id)
            self.findings.append(make_discrepancy(
                K.PAYMENT_MISSING_FROM_SETTLEMENT, amount, (payment.id, sid), sid,
                payment_settlement_id=sid, payment_status=payment.status,
                payment_amount=money(payment.amount), settlement_lists_payment=False,
            ))

    def _match_payment(self, line: SettlementLine, payment: LedgerPayment | None) -> bool:
        sid = self.settlement.id
        if payment is None:
            self._missing_locally(line)
            return False
        if payment.settled_in and payment.settled_in != sid:
            self.findings.append(make_discrepancy(
                K.SETTLED_TWICE, _line_money(line, self.settlement.currency),
                (line.id, payment.settled_in, sid), line.id,
                first_settlement=payment.settled_in, second_settlement=sid,
            ))
            return False
        if line.amount is not None and line.amount != payment.amount:
            self.findings.append(make_discrepancy(
                K.AMOUNT_MISMATCH, line.amount - payment.amount if line.amount.currency == payment.amount.currency
                else line.amount, (line.id,), line.id,
                mollie_amount=money(line.amount), ledger_amount=money(payment.amount), settlement=sid,
            ))
        if line.status and line.status != payment.status:
            self.findings.append(make_discrepancy(
                K.STATUS_MISMATCH, payment.amount, (line.id,), line.id,
                mollie_status=line.status, ledger_status=payment.status, settlement=sid,
            ))
        return True

    def _match_chargeback(self, line: SettlementLine, payment: LedgerPayment | None) -> None:
        """A chargeback deducted in a later settlement than its payment's is normal (SEPA allows
        eight weeks); one deducted by no settlement is found by `settlement_windows`."""
        if payment is None:
            self._without_payment(K.CHARGEBACK_WITHOUT_PAYMENT, line)

    def _duplicate(self, line: SettlementLine) -> None:
        """A repeated line is named once and left out of the sums, so it is not also a mismatch."""
        amount = _line_money(line, self.settlement.currency)
        self.findings.append(make_discrepancy(
            K.DUPLICATE_SETTLEMENT_LINE, amount, (line.id, self.settlement.id), self.settlement.id,
            line_kind=line.kind.value,
        ))

    def _without_payment(self, kind: K, line: SettlementLine) -> None:
        self.findings.append(make_discrepancy(
            kind, _line_money(line, self.settlement.currency), (line.id, line.payment_id), line.id,
            payment_id=line.payment_id, found_in_settlement=self.settlement.id,
        ))

    def _missing_locally(self, line: SettlementLine) -> None:
        self.findings.append(make_discrepancy(
            K.PAYMENT_MISSING_LOCALLY, _line_money(line, self.settlement.currency),
            (line.payment_id,), line.payment_id, found_in_settlement=self.settlement.id,
            line_kind=line.kind.value,
        ))
