"""Property tests: every consistent settlement reconciles; every single perturbation is named."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from verenigingen.verenigingen_payments.core.models.money import Amount, currency_decimals
from verenigingen.verenigingen_payments.workflows.reconciliation import (
    DiscrepancyKind as K, LineKind, SettlementLine, Tolerance, check_settlement,
)

from .generated import Case, consistent_settlements

PROPERTY = settings(max_examples=150, deadline=None)


def kinds(case: Case, tolerance: Tolerance = Tolerance()) -> list[K]:
    found = check_settlement(case.settlement, case.lines, case.ledger, tolerance)
    return sorted(d.kind for d in found)


def unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-currency_decimals(currency))


@PROPERTY
@given(consistent_settlements())
def test_a_consistent_settlement_reconciles(case):
    assert kinds(case) == []


@PROPERTY
@given(consistent_settlements(), st.integers(2, 10_000), st.booleans())
def test_a_changed_settlement_amount_is_a_lines_mismatch(case, units, up):
    delta = unit(case.settlement.currency) * units * (1 if up else -1)
    s = case.settlement
    case.settlement = dataclasses.replace(s, amount=Amount(s.amount.value + delta, s.currency))
    found = check_settlement(case.settlement, case.lines, case.ledger)
    assert [d.kind for d in found] == [K.SETTLEMENT_LINES_MISMATCH]
    # the periods carry four decimals, so the named difference is the delta up to Mollie's rounding
    assert abs(found[0].amount.value - delta) <= unit(s.currency)
    assert set(found[0].evidence["failed_checks"]) == {"lines", "periods"}


@PROPERTY
@given(consistent_settlements(), st.data())
def test_a_dropped_payment_line_is_named_as_missing_from_the_settlement_only(case, data):
    payments = [ln for ln in case.lines if ln.kind is LineKind.PAYMENT]
    dropped = data.draw(st.sampled_from(payments))
    case.lines = [ln for ln in case.lines if ln is not dropped]
    found = check_settlement(case.settlement, case.lines, case.ledger)
    assert [(d.kind, d.ids[0]) for d in found] == [(K.PAYMENT_MISSING_FROM_SETTLEMENT, dropped.id)]
    assert found[0].amount == dropped.settlement_amount


@PROPERTY
@given(consistent_settlements(), st.data())
def test_a_line_listed_twice_is_a_duplicate_not_a_mismatch(case, data):
    line = data.draw(st.sampled_from(case.lines))
    case.lines = case.lines + [line]
    assert kinds(case) == [K.DUPLICATE_SETTLEMENT_LINE]


@PROPERTY
@given(consistent_settlements(), st.data())
def test_a_changed_line_amount_breaks_the_lines_check_but_not_the_periods(case, data):
    index = data.draw(st.integers(0, len(case.lines) - 1))
    line = case.lines[index]
    bump = unit(line.settlement_amount.currency) * data.draw(st.integers(2, 500))
    changed = Amount(line.settlement_amount.value + bump, line.settlement_amount.currency)
    case.lines[index] = dataclasses.replace(line, settlement_amount=changed)
    found = check_settlement(case.settlement, case.lines, case.ledger)
    assert [d.kind for d in found] == [K.SETTLEMENT_LINES_MISMATCH]
    assert found[0].evidence["failed_checks"] == ["lines"]
    assert abs(found[0].amount.value + bump) <= unit(line.settlement_amount.currency)


@PROPERTY
@given(consistent_settlements(), st.data())
def test_a_refund_whose_payment_is_unknown_is_named(case, data):
    refunds = [ln for ln in case.lines if ln.kind is LineKind.REFUND]
    if not refunds:
        case.lines.append(SettlementLine(LineKind.REFUND, "re_orphan", "tr_nobody",
                                         Amount.zero(case.settlement.currency)))
        orphan_id = "re_orphan"
    else:
        refund = data.draw(st.sampled_from(refunds))
        case.lines[case.lines.index(refund)] = dataclasses.replace(refund, payment_id="tr_nobody")
        orphan_id = refund.id
    found = check_settlement(case.settlement, case.lines, case.ledger)
    assert [(d.kind, d.ids[0]) for d in found] == [(K.REFUND_WITHOUT_PAYMENT, orphan_id)]


@PROPERTY
@given(consistent_settlements(), st.data())
def test_a_payment_missing_locally_is_named(case, data):
    victim = data.draw(st.sampled_from(list(case.ledger)))
    del case.ledger[victim]
    found = check_settlement(case.settlement, case.lines, case.ledger)
    assert [(d.kind, d.ids[0]) for d in found if d.kind is K.PAYMENT_MISSING_LOCALLY] == [
        (K.PAYMENT_MISSING_LOCALLY, victim)]
    assert {d.kind for d in found} <= {K.PAYMENT_MISSING_LOCALLY, K.REFUND_WITHOUT_PAYMENT}


@PROPERTY
@given(consistent_settlements(), st.data())
def test_a_local_amount_or_status_that_differs_is_named(case, data):
    victim = data.draw(st.sampled_from(list(case.ledger)))
    record = case.ledger[victim]
    if data.draw(st.booleans()):
        case.ledger[victim] = dataclasses.replace(
            record, amount=Amount(record.amount.value + unit(record.amount.currency), record.amount.currency))
        expected = K.AMOUNT_MISMATCH
    else:
        case.ledger[victim] = dataclasses.replace(record, status="open")
        expected = K.STATUS_MISMATCH
    assert kinds(case) == [expected]


@PROPERTY
@given(consistent_settlements(), st.data())
def test_a_payment_already_settled_elsewhere_is_settled_twice(case, data):
    victim = data.draw(st.sampled_from(list(case.ledger)))
    case.ledger[victim] = case.ledger[victim].with_settled_in("stl_earlier")
    found = check_settlement(case.settlement, case.lines, case.ledger)
    assert [(d.kind, d.ids[0]) for d in found] == [(K.SETTLED_TWICE, victim)]


@PROPERTY
@given(consistent_settlements(), st.data())
def test_a_cost_line_whose_vat_does_not_add_up_is_a_lines_mismatch(case, data):
    period = case.settlement.periods[0]
    cost = data.draw(st.sampled_from(period.costs))
    wrong_vat = Amount(cost.amount_vat.value + Decimal("0.5") + unit(cost.amount_vat.currency), cost.amount_vat.currency)
    costs = tuple(dataclasses.replace(c, amount_vat=wrong_vat) if c is cost else c for c in period.costs)
    case.settlement = dataclasses.replace(
        case.settlement, periods=(dataclasses.replace(period, costs=costs),))
    found = check_settlement(case.settlement, case.lines, case.ledger)
    assert [d.kind for d in found] == [K.SETTLEMENT_LINES_MISMATCH]
    assert found[0].evidence["failed_checks"] == ["vat"]



def test_tolerance_is_exact_for_zero_decimal_currencies():
    tolerance = Tolerance(Decimal("0.01"))
    assert tolerance.agrees(Amount.of("100.00", "EUR"), Amount.of("100.01", "EUR"))
    assert not tolerance.agrees(Amount.of("100.00", "EUR"), Amount.of("100.02", "EUR"))
    assert not tolerance.agrees(Amount.of("100", "JPY"), Amount.of("101", "JPY"))
    assert tolerance.agrees(Amount.of("100.4", "JPY"), Amount.of("100", "JPY"))


def test_identity_is_stable_and_ignores_amount_and_id_order():
    from verenigingen.verenigingen_payments.workflows.reconciliation.discrepancy import make_discrepancy
    a = make_discrepancy(K.SETTLED_TWICE, Amount.of("1.00", "EUR"), ("tr_1", "stl_a", "stl_b"), "tr_1")
    b = make_discrepancy(K.SETTLED_TWICE, Amount.of("2.00", "EUR"), ("tr_1", "stl_b", "stl_a"), "tr_1")
    c = make_discrepancy(K.SETTLED_TWICE, Amount.of("1.00", "EUR"), ("tr_2", "stl_a", "stl_b"), "tr_2")
    assert a.identity == b.identity != c.identity
