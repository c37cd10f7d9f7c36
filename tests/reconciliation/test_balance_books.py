"""Each balance is reconciled on its own: its settlements' windows never mix with another balance's,
and payments and chargebacks reach a balance by Mollie's multicurrency rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.store.ledger import LedgerPayment
from verenigingen.verenigingen_payments.workflows.reconciliation.balance_books import BalanceBooks
from verenigingen.verenigingen_payments.workflows.reconciliation.inputs import LineKind, Settlement, SettlementLine

JAN, FEB, MAR, APR = (datetime(2025, m, 1, tzinfo=timezone.utc) for m in (1, 2, 3, 4))


@dataclass
class Balance:
    id: str
    currency: str
    created_at: datetime


def money(value: str, currency: str) -> Amount:
    return Amount(Decimal(value), currency)


def settlement(sid: str, balance: str, closed: datetime, currency: str) -> Settlement:
    return Settlement(sid, "paidout", money("1.00", currency), balance_id=balance, created_at=closed)


BALANCES = [Balance("bal_gbp", "GBP", FEB), Balance("bal_eur", "EUR", JAN)]
SETTLEMENTS = [settlement("stl_e1", "bal_eur", FEB, "EUR"), settlement("stl_e2", "bal_eur", MAR, "EUR"),
               settlement("stl_g1", "bal_gbp", MAR, "GBP"), settlement("stl_e3", "bal_eur", APR, "EUR")]
BOOKS = BalanceBooks.of(BALANCES, "bal_eur", SETTLEMENTS, SETTLEMENTS[1:])


def payment(pid: str, currency: str, paid_at: datetime, settled: str | None = None) -> LedgerPayment:
    return LedgerPayment(pid, money("10.00", currency), "paid", paid_at, paid_at=paid_at,
                         settlement_amount=money("11.85", settled) if settled else None)


def test_a_settlement_closing_with_another_balances_never_shortens_its_window():
    eur, gbp = BOOKS.books["bal_eur"], BOOKS.books["bal_gbp"]
    assert list(BOOKS) == [eur, gbp], "the primary balance first"
    assert [(w.settlement_id, w.opens_after) for w in eur.windows] == [("stl_e1", None), ("stl_e2", FEB),
                                                                       ("stl_e3", MAR)]
    assert [(w.settlement_id, w.opens_after) for w in gbp.windows] == [("stl_g1", None)]
    assert eur.reconciled == {"stl_e2", "stl_e3"} and gbp.reconciled == {"stl_g1"}


def test_a_payment_reaches_the_balance_of_its_currency_once_that_balance_is_open_else_the_primary():
    assert BOOKS.of_payment(payment("tr_1", "GBP", datetime(2025, 2, 10, tzinfo=timezone.utc))).id == "bal_gbp"
    assert BOOKS.of_payment(payment("tr_2", "GBP", datetime(2025, 1, 10, tzinfo=timezone.utc))).id == "bal_eur"
    assert BOOKS.of_payment(payment("tr_3", "USD", datetime(2025, 2, 10, tzinfo=timezone.utc))).id == "bal_eur"
    converted = payment("tr_4", "GBP", datetime(2025, 2, 10, tzinfo=timezone.utc), settled="EUR")
    assert BOOKS.of_payment(converted).id == "bal_eur", "a settlementAmount names the balance's currency"


def test_a_chargeback_reaches_the_balance_its_settlement_amount_is_in():
    line = SettlementLine(LineKind.CHARGEBACK, "chb_1", "tr_1", money("-8.50", "GBP"), money("8.50", "GBP"),
                          created_at=datetime(2025, 2, 20, tzinfo=timezone.utc))
    assert BOOKS.of_line(line).id == "bal_gbp"
    assert BOOKS.of_settlement(SETTLEMENTS[2]).id == "bal_gbp" and BOOKS.of_settlement(SETTLEMENTS[0]).id == "bal_eur"
