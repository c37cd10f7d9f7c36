"""The account's balances, each reconciled on its own: its settlements' windows, which of them
this run reconciles, and what the pass over its transactions found (`BalanceScan`).

A settlement pays out one balance, so windows never mix balances (a GBP settlement closes at the
same moment as the EUR one without shortening its window). Which balance a payment, refund or
chargeback reaches follows Mollie's multicurrency page: "If you have a Mollie balance in the same
currency as the payment, it will be settled on that balance directly without conversion. In all
other cases, the payment will be converted to your primary balance currency." Where Mollie names a
`settlementAmount` its currency is the balance's; otherwise the payment's own currency decides, on
a balance of that currency opened by then, else the primary balance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Iterator

from ...store.ledger import LedgerPayment
from .balance_scan import BalanceScan
from .inputs import Settlement, SettlementLine
from .settlement_windows import SettlementWindow, windows_of


@dataclass
class BalanceBook:
    id: str
    currency: str
    opened_at: datetime | None
    windows: list[SettlementWindow]
    reconciled: set[str]
    scan: BalanceScan = field(init=False)

    def __post_init__(self) -> None:
        self.scan = BalanceScan(self.windows, self.reconciled)

    def window_of(self, settlement_id: str) -> SettlementWindow | None:
        return next((w for w in self.windows if w.settlement_id == settlement_id), None)


@dataclass
class BalanceBooks:
    """The books by balance id, the primary first; `of_*` say which book an item reaches."""

    books: dict[str, BalanceBook]
    primary: str

    @classmethod
    def of(cls, balances: Iterable, primary_id: str, settlements: list[Settlement],
           chosen: Iterable[Settlement]) -> BalanceBooks:
        chosen_ids = {s.id for s in chosen}
        books = {}
        for balance in sorted(balances, key=lambda b: b.id != primary_id):
            own = [s for s in settlements if (s.balance_id or primary_id) == balance.id]
            books[balance.id] = BalanceBook(balance.id, balance.currency, balance.created_at, windows_of(own),
                                            {s.id for s in own if s.id in chosen_ids})
        return cls(books, primary_id)

    def __iter__(self) -> Iterator[BalanceBook]:
        return iter(self.books.values())

    def of_settlement(self, settlement: Settlement) -> BalanceBook:
        return self.books.get(settlement.balance_id or self.primary, self.books[self.primary])

    def of_currency(self, currency: str, at: datetime | None) -> BalanceBook:
        for book in self.books.values():
            if book.currency == currency and (at is None or book.opened_at is None or book.opened_at <= at):
                return book
        return self.books[self.primary]

    def of_payment(self, payment: LedgerPayment) -> BalanceBook:
        if payment.settlement_amount is not None:
            return self.of_currency(payment.settlement_amount.currency, None)
        return self.of_currency(payment.amount.currency, payment.paid_at)

    def of_line(self, line: SettlementLine) -> BalanceBook:
        """A chargeback's (or its reversal's) book: its settlement amount's currency, else its own."""
        if line.settlement_amount is not None:
            return self.of_currency(line.settlement_amount.currency, None)
        return self.of_currency(line.amount.currency if line.amount else self.books[self.primary].currency,
                                line.created_at)

    def payments_on(self, book: BalanceBook, payments: Iterable[LedgerPayment]) -> Iterator[LedgerPayment]:
        return (p for p in payments if self.of_payment(p) is book)
