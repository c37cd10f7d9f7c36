"""Hypothesis strategies: consistent settlements (with their ledger) and balance periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_EVEN, Decimal

from hypothesis import strategies as st

from verenigingen.verenigingen_payments.core.models.money import Amount, currency_decimals
from verenigingen.verenigingen_payments.store.ledger import LedgerPayment
from verenigingen.verenigingen_payments.workflows.reconciliation import (
    LineKind, PeriodLine, Settlement, SettlementLine, SettlementPeriod,
)

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
VAT = Decimal("0.21")
FOUR = Decimal("0.0001")


@dataclass
class Case:
    settlement: Settlement
    lines: list[SettlementLine]
    ledger: dict[str, LedgerPayment]


def _money(draw, currency: str, low: int, high: int) -> Amount:
    units = draw(st.integers(low, high))
    return Amount(Decimal(units).scaleb(-currency_decimals(currency)), currency)


@st.composite
def consistent_settlements(draw) -> Case:
    currency = draw(st.sampled_from(["EUR", "EUR", "JPY", "GBP"]))
    scale = 1 if currency_decimals(currency) == 0 else 100
    sid = f"stl_{draw(st.integers(1, 10**6))}"
    n_pay = draw(st.integers(1, 12))
    payments = [_money(draw, currency, 1 * scale, 500 * scale) for _ in range(n_pay)]
    lines: list[SettlementLine] = []
    ledger: dict[str, LedgerPayment] = {}
    for i, amount in enumerate(payments):
        pid = f"tr_{sid}_{i}"
        lines.append(SettlementLine(LineKind.PAYMENT, pid, pid, amount, amount, "paid", T0))
        ledger[pid] = LedgerPayment(pid, amount, "paid", T0, settlement_id=sid, settlement_amount=amount)
    n_ref = draw(st.integers(0, min(3, n_pay)))
    for i in range(n_ref):
        pid = f"tr_{sid}_{i}"
        value = _money(draw, currency, 1, int(payments[i].value * scale))
        lines.append(SettlementLine(LineKind.REFUND, f"re_{sid}_{i}", pid, -value, value, "refunded", T0))
    revenue_gross = sum((ln.settlement_amount.value for ln in lines), Decimal(0))
    costs = []
    for method, count in (("ideal", n_pay), ("refund", n_ref)):
        if count == 0:
            continue
        net = Decimal(draw(st.integers(0, 50 * count))) * Decimal("0.0100") + Decimal("0.0025") * count
        vat = (net * VAT).quantize(FOUR, rounding=ROUND_HALF_EVEN)
        costs.append(PeriodLine(method, method, count, Amount(net, currency), Amount(vat, currency),
                                Amount(net + vat, currency)))
    revenue = (PeriodLine("all", "ideal", len(lines), Amount(revenue_gross, currency), None,
                          Amount(revenue_gross, currency)),)
    costs_gross = sum((c.amount_gross.value for c in costs), Decimal(0))
    quantum = Decimal(1).scaleb(-currency_decimals(currency))
    amount = Amount((revenue_gross - costs_gross).quantize(quantum, rounding=ROUND_HALF_EVEN), currency)
    settlement = Settlement(sid, "paidout", amount, "bal_1", created_at=T0 + timedelta(days=1),
                            settled_at=T0 + timedelta(days=1),
                            periods=(SettlementPeriod(2024, 3, revenue, tuple(costs)),))
    return Case(settlement, lines, ledger)
