"""Every balance transaction type of the spec's list, with typed inputs (what the emulator cannot book
yet): its sign and category in the balance checks, its term in the settlement arithmetic, per
balance and per currency with pending and available kept apart."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.workflows.reconciliation import (
    BalanceReport, BalanceTransaction, BalanceTransactionSums, CategoryTotals, LineKind, Settlement, SettlementLine,
    SettlementSums, Tolerance, check_balance_report, check_settlement_arithmetic,
)
from verenigingen.verenigingen_payments.workflows.reconciliation.inputs import PeriodLine, SettlementPeriod
from verenigingen.verenigingen_payments.workflows.reconciliation.mollie_inputs import transaction_line
from verenigingen.verenigingen_payments.workflows.reconciliation.transaction_types import (
    CATEGORY_OF_TYPE, TRANSACTION_TYPES,
)

T0 = datetime(2025, 3, 3, 9, tzinfo=timezone.utc)
# The list with Mollie's documented sign and the id its `context` names.
DOCUMENTED = {
    "payment": (1, "payments", {"payment_id": "tr_1"}),
    "capture": (1, "payments", {"payment_id": "tr_2", "capture_id": "cpt_1"}),
    "failed-payment": (-1, "payments", {"payment_id": "tr_3"}),
    "unauthorized-direct-debit": (-1, "payments", {"payment_id": "tr_4"}),
    "refund": (-1, "refunds", {"payment_id": "tr_1", "refund_id": "re_1"}),
    "refund-compensation": (1, "refunds", {"payment_id": "tr_1", "refund_id": "re_2"}),
    "returned-refund": (1, "refunds", {"payment_id": "tr_1", "refund_id": "re_3"}),
    "chargeback": (-1, "chargebacks", {"payment_id": "tr_5", "chargeback_id": "chb_1"}),
    "chargeback-reversal": (1, "chargebacks", {"payment_id": "tr_5", "chargeback_id": "chb_1"}),
    "chargeback-compensation": (1, "chargebacks", {"payment_id": "tr_5", "chargeback_id": "chb_2"}),
    "outgoing-transfer": (-1, "transfers", {"settlement_id": "stl_1", "transfer_id": "trf_1"}),
    "canceled-outgoing-transfer": (1, "transfers", {"settlement_id": "stl_1", "transfer_id": "trf_1"}),
    "canceled-transfer": (1, "transfers", {"settlement_id": "stl_1", "transfer_id": "trf_1"}),
    "returned-transfer": (1, "transfers", {"settlement_id": "stl_2", "transfer_id": "trf_2"}),
    "invoice-compensation": (-1, "corrections", {"invoice_id": "inv_1"}),
}


def eur(value: str, currency: str = "EUR") -> Amount:
    return Amount(Decimal(value), currency)


def tx(n: int, type_: str, value: str, currency: str = "EUR", **ids) -> BalanceTransaction:
    amount = eur(value, currency)
    return BalanceTransaction(f"baltr_{n}", type_, amount, amount, None, T0 + timedelta(hours=n), **ids)


def report(currency: str, categories: dict[str, str], *, open_pending="0", open_available="0", pending_in="0",
           moved="0", close_pending=None, close_available=None, balance_id="bal_1") -> BalanceReport:
    cats = {name: CategoryTotals(eur("0", currency), eur("0", currency), eur(value, currency))
            for name, value in categories.items()}
    if Decimal(pending_in) or Decimal(moved):  # part of the payments is pending first
        immediate = cats["payments"].immediately_available - eur(pending_in, currency)
        cats["payments"] = CategoryTotals(eur(pending_in, currency), eur(moved, currency), immediate)
    movement = sum((Decimal(v) for v in categories.values()), Decimal(0))
    expected_pending = Decimal(open_pending) + Decimal(pending_in) - Decimal(moved)
    expected_available = Decimal(open_available) + Decimal(moved) + movement - Decimal(pending_in)
    return BalanceReport(
        balance_id, currency, "2025-03-01", "2025-04-01", eur(open_pending, currency), eur(open_available, currency),
        eur(close_pending if close_pending is not None else str(expected_pending), currency),
        eur(close_available if close_available is not None else str(expected_available), currency), cats)


@pytest.mark.parametrize("type_", sorted(DOCUMENTED))
def test_each_documented_type_has_its_category_and_sign(type_):
    sign, category, ids = DOCUMENTED[type_]
    assert CATEGORY_OF_TYPE[type_] == category and TRANSACTION_TYPES[type_].direction == sign
    value = "12.50" if sign > 0 else "-12.50"
    sums = BalanceTransactionSums("bal_1", "EUR", "scope")
    sums.add(tx(1, type_, value, **ids))
    assert check_balance_report(report("EUR", {category: value}), sums, Tolerance()) == []

    wrong = BalanceTransactionSums("bal_1", "EUR", "scope")
    wrong.add(tx(1, type_, "-12.50" if sign > 0 else "12.50", **ids))
    [finding] = check_balance_report(report("EUR", {category: "-12.50" if sign > 0 else "12.50"}), wrong, Tolerance())
    assert finding.kind.value == "unexplained_balance_movement" and "other way" in finding.evidence["reason"]


def test_a_balance_correction_may_go_either_way_but_always_needs_a_human():
    for value in ("3.00", "-3.00"):
        sums = BalanceTransactionSums("bal_1", "EUR", "scope")
        sums.add(tx(1, "balance-correction", value))
        [finding] = check_balance_report(report("EUR", {"corrections": value}), sums, Tolerance())
        assert finding.evidence["reason"] == "no cause named"


def test_a_returned_payout_and_its_repayment_are_two_movements_not_a_duplicate():
    sums = BalanceTransactionSums("bal_1", "EUR", "scope")
    sums.add_many([tx(1, "outgoing-transfer", "-500.00", settlement_id="stl_1", transfer_id="trf_1"),
                   tx(2, "returned-transfer", "500.00", settlement_id="stl_1", transfer_id="trf_1"),
                   tx(3, "outgoing-transfer", "-500.00", settlement_id="stl_1", transfer_id="trf_2")])
    assert check_balance_report(report("EUR", {"transfers": "-500.00"}), sums, Tolerance()) == []


def test_each_balance_is_checked_in_its_own_currency_with_pending_and_available_apart():
    eur_sums = BalanceTransactionSums("bal_eur", "EUR", "eur")
    eur_sums.add_many([tx(1, "payment", "100.00", payment_id="tr_1"), tx(2, "invoice-compensation", "-20.00",
                                                                          invoice_id="inv_1")])
    eur_categories = {"payments": "100.00", "corrections": "-20.00"}
    gbp_sums = BalanceTransactionSums("bal_gbp", "GBP", "gbp")
    gbp_sums.add_many([tx(3, "payment", "80.00", "GBP", payment_id="tr_2"),
                       tx(4, "returned-refund", "5.00", "GBP", payment_id="tr_2", refund_id="re_1")])
    eur_report = report("EUR", eur_categories, open_pending="40.00",
                        pending_in="60.00", moved="70.00", balance_id="bal_eur")
    gbp_report = report("GBP", {"payments": "80.00", "refunds": "5.00"}, balance_id="bal_gbp")
    assert check_balance_report(eur_report, eur_sums, Tolerance()) == []
    assert check_balance_report(gbp_report, gbp_sums, Tolerance()) == []

    # Pending closes 1.00 short while available is 1.00 over: two breaks, never netted to zero.
    broken = report("EUR", eur_categories, open_pending="40.00",
                    pending_in="60.00", moved="70.00", close_pending="29.00", close_available="91.00")
    assert (eur_report.close_pending, eur_report.close_available) == (eur("30.00"), eur("90.00"))
    breaks = {f.evidence["side"]: f.amount.value for f in check_balance_report(broken, eur_sums, Tolerance())}
    assert breaks == {"pending": Decimal("-1.00"), "available": Decimal("1.00")}


def test_a_transaction_in_another_currency_than_its_balance_is_named_not_added():
    sums = BalanceTransactionSums("bal_eur", "EUR", "scope")
    sums.add_many([tx(1, "payment", "100.00", payment_id="tr_1"), tx(2, "payment", "30.00", "GBP", payment_id="tr_2")])
    findings = check_balance_report(report("EUR", {"payments": "100.00"}), sums, Tolerance())
    assert [f.ids for f in findings] == [("baltr_2",)] and "GBP" in findings[0].evidence["reason"]
    assert sums.by_category["payments"] == eur("100.00")


def _settlement(amount: str, currency: str, costs: str = "0") -> Settlement:
    cost = PeriodLine("fees", "ideal", 1, eur(costs, currency), None, eur(costs, currency))
    gross = eur(amount, currency) + eur(costs, currency)
    revenue = PeriodLine("everything", None, 1, gross, None, gross)
    return Settlement("stl_1", "paidout", eur(amount, currency),
                      periods=(SettlementPeriod(2025, 3, (revenue,), (cost,)),))


def _line(kind: LineKind, ident: str, value: str, currency: str, own: Amount | None = None) -> SettlementLine:
    return SettlementLine(kind, ident, "tr_1", eur(value, currency), own)


def test_every_term_of_a_settlement_counts_with_its_sign_in_the_settlement_currency():
    """A GBP settlement: its lists, a reversal, and the unlisted terms taken from transactions."""
    lines = [
        _line(LineKind.PAYMENT, "tr_1", "100.00", "GBP"),
        _line(LineKind.PAYMENT, "tr_2", "42.10", "GBP", own=eur("50.00", "USD")),  # a USD payment, settled in GBP
        _line(LineKind.CAPTURE, "cpt_1", "30.00", "GBP"),
        _line(LineKind.REFUND, "re_1", "-10.00", "GBP"),
        _line(LineKind.CHARGEBACK, "chb_1", "-25.00", "GBP"),
        _line(LineKind.CHARGEBACK_REVERSAL, "chb_1", "25.00", "GBP"),
    ]
    terms = {"returned-refund": "10.00", "unauthorized-direct-debit": "-5.00", "chargeback-compensation": "2.00",
             "returned-transfer": "120.00", "balance-correction": "-1.50"}
    for n, (type_, value) in enumerate(sorted(terms.items())):
        line = transaction_line(tx(n, type_, value, "GBP", payment_id="tr_1"))
        assert line is not None and line.kind.value == type_
        lines.append(line)
    for listed_or_costs in ("payment", "failed-payment", "invoice-compensation", "refund-compensation"):
        assert transaction_line(tx(99, listed_or_costs, "-1.00", "GBP", payment_id="tr_1")) is None
    sums = SettlementSums("GBP")
    for line in lines:
        sums.add(line)
    expected = Decimal("100.00") + Decimal("42.10") + 30 - 10 - 25 + 25 + 10 - 5 + 2 + 120 - Decimal("1.50") - 3
    assert check_settlement_arithmetic(_settlement(f"{expected}", "GBP", costs="3.00"), sums, Tolerance()) is None

    without_reversal = SettlementSums("GBP")
    for line in lines:
        if line.kind is not LineKind.CHARGEBACK_REVERSAL:
            without_reversal.add(line)
    finding = check_settlement_arithmetic(_settlement(f"{expected}", "GBP", costs="3.00"), without_reversal,
                                          Tolerance())
    assert finding.evidence["failed_checks"] == ["lines"] and finding.amount == eur("25.00", "GBP")
    assert finding.evidence["other_terms"]["returned-transfer"] == "GBP 120.00"


def test_a_line_settled_in_another_currency_is_named_never_added():
    sums = SettlementSums("EUR")
    sums.add(_line(LineKind.PAYMENT, "tr_1", "10.00", "EUR"))
    sums.add(_line(LineKind.PAYMENT, "tr_2", "10.00", "GBP"))
    finding = check_settlement_arithmetic(_settlement("10.00", "EUR"), sums, Tolerance())
    assert finding.evidence["foreign_currency_lines"] == ["tr_2"] and sums.lines_total == eur("10.00")


def test_a_returned_payout_the_settlement_does_not_pay_again_is_named_not_a_mismatch():
    from verenigingen.verenigingen_payments.workflows.reconciliation import SettlementMatcher, finish_settlement

    returned = transaction_line(tx(1, "returned-transfer", "500.00", settlement_id="stl_0", transfer_id="trf_0"))
    matcher = SettlementMatcher(_settlement("0.00", "EUR"))
    matcher.match([returned], {})
    [finding] = finish_settlement(matcher, [], Tolerance())
    assert finding.kind.value == "returned_payout_never_repaid" and finding.ids == ("stl_0", "baltr_1")

    repaid = SettlementMatcher(_settlement("500.00", "EUR"))
    repaid.match([returned], {})
    assert finish_settlement(repaid, [], Tolerance()) == []


def test_overdue_payments_still_pending_at_the_last_close_are_never_released():
    from verenigingen.verenigingen_payments.workflows.reconciliation.pending_funds import (
        UnplacedMovements, judge_pending,
    )

    close = T0 + timedelta(days=20)
    movements = UnplacedMovements()
    movements.add("tr_recent", "baltr_1", close - timedelta(days=1), eur("24.70"))
    movements.add("tr_stuck", "baltr_2", T0, eur("12.20"))
    movements.add("tr_missing", "baltr_3", T0 + timedelta(hours=1), eur("14.70"))
    verdict = judge_pending(eur("36.90"), close, timedelta(days=10), movements, ["tr_stuck", "tr_missing"], Tolerance())
    assert verdict.never_released == {"tr_stuck": "baltr_2"}
    nothing_stuck = judge_pending(eur("24.70"), close, timedelta(days=10), movements, ["tr_stuck"], Tolerance())
    assert nothing_stuck.never_released == {}
