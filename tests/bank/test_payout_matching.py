"""Payouts matched to bank credits: reference, exact amount, N business days (TARGET2 closing days
count as holidays); every finding kind, in-transit payouts, and the three-way summary's arithmetic."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from verenigingen.verenigingen_payments.bank.statement import BankLine
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.business_days import (
    add_business_days, business_days_between, is_business_day,
)
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.inputs import BankSide, MatchRules, Payout
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.matching import match_payouts
from verenigingen.verenigingen_payments.workflows.payouts_at_bank.summary import three_way_summary

MOLLIE = "Stichting Mollie Payments"
RULES = MatchRules(business_days=3)


def payout(n: int, day: date, amount: str, **kwargs) -> Payout:
    return Payout(f"stl_{n}", f"0100000{n}.2504.01", Decimal(amount), "EUR",
                  datetime(day.year, day.month, day.day, 10, tzinfo=timezone.utc), day, f"baltr_{n}", **kwargs)


def credit(ref: str, day: date, amount: str, remittance: str, name: str = MOLLIE, **kwargs) -> BankLine:
    return BankLine(ref, "AcctSvcrRef", day, day, Decimal(amount), "EUR", counterparty_name=name,
                    remittance=remittance, **kwargs)


def bank(*lines: BankLine, until: date = date(2025, 4, 30)) -> BankSide:
    return BankSide("NL20INGB0001234567", lines, date(2025, 4, 1), until)


def test_dutch_bank_business_days_skip_weekends_and_target2_closing_days_but_not_kings_day():
    assert not is_business_day(date(2025, 4, 18)) and not is_business_day(date(2025, 4, 21))  # Easter
    assert is_business_day(date(2025, 4, 25)) and not is_business_day(date(2025, 4, 26))  # Friday, Saturday
    assert is_business_day(date(2025, 5, 29))  # Ascension: banks book as usual
    assert add_business_days(date(2025, 4, 17), 1) == date(2025, 4, 22)
    assert business_days_between(date(2025, 4, 17), date(2025, 4, 22)) == 1


def test_a_payout_matches_the_credit_with_its_reference_and_exact_amount_within_the_business_days():
    p = payout(1, date(2025, 4, 17), "812.40")
    easter_delayed = credit("B1", date(2025, 4, 24), "812.40", "01000001.2504.01 Mollie uitbetaling")
    outcome = match_payouts([p], bank(easter_delayed), RULES)
    assert outcome.findings == () and outcome.matches[0].status == "matched"
    assert outcome.matches[0].lines == (easter_delayed,)


def test_each_bank_side_kind_is_found_with_its_ids_and_evidence():
    payouts = [payout(1, date(2025, 4, 2), "100.00"), payout(2, date(2025, 4, 3), "200.00"),
               payout(3, date(2025, 4, 4), "300.00"), payout(4, date(2025, 4, 7), "400.00"),
               payout(5, date(2025, 4, 8), "500.00", returned_tx="baltr_r5")]
    lines = (
        credit("B2", date(2025, 4, 4), "199.50", "01000002.2504.01"),
        credit("B3a", date(2025, 4, 7), "300.00", "01000003.2504.01"),
        credit("B3b", date(2025, 4, 8), "300.00", "01000003.2504.01"),
        credit("B4", date(2025, 4, 8), "400.00", "01000004.2504.01"),
        credit("BX", date(2025, 4, 9), "55.00", "01000099.2504.01 Mollie"),
        credit("RENT", date(2025, 4, 9), "-850.00", "Huur april", name="Verhuur BV"),
        credit("B5", date(2025, 4, 9), "500.00", "01000005.2504.01"),
        credit("B5r", date(2025, 4, 11), "-500.00", "01000005.2504.01 retour", reversal=True, return_reason="AC06"),
    )
    outcome = match_payouts(payouts, bank(*lines), RULES)
    found = {(str(f.kind), f.ids[0]): f for f in outcome.findings}
    assert set(found) == {("payout_not_at_bank", "stl_1"), ("payout_amount_differs", "stl_2"),
                          ("credit_booked_twice", "stl_3"), ("credit_without_settlement", "BX"),
                          ("payout_returned_by_bank", "stl_5")}
    assert found["payout_amount_differs", "stl_2"].amount == Decimal("0.50")
    assert found["credit_booked_twice", "stl_3"].ids == ("stl_3", "B3b", "B3a")
    assert found["payout_not_at_bank", "stl_1"].evidence["deadline"] == "2025-04-07"
    assert found["payout_returned_by_bank", "stl_5"].evidence["return_reason"] == "AC06"
    assert all(f.action for f in outcome.findings)
    [april] = three_way_summary(outcome, "EUR")
    assert april.paid_out == Decimal("1500.00") and april.unexplained == 0
    assert april.arrived == Decimal("199.50") + 600 + 400 + 55
    assert {e.what: e.amount for e in april.explanations} == {
        "stl_1": Decimal("100.00"), "stl_2": Decimal("0.50"), "stl_3": Decimal("-300.00"),
        "stl_5": Decimal("500.00"), "BX": Decimal("-55.00")}


def test_a_payout_whose_days_have_not_passed_is_in_transit_and_a_late_one_is_not_at_the_bank():
    p = payout(1, date(2025, 4, 28), "100.00")
    assert match_payouts([p], bank(), RULES).matches[0].status == "in transit"
    late = credit("B1", date(2025, 5, 9), "100.00", "01000001.2504.01")
    outcome = match_payouts([p], bank(late, until=date(2025, 5, 9)), RULES)
    [finding] = outcome.findings
    assert str(finding.kind) == "payout_not_at_bank" and finding.ids == ("stl_1", "B1")
    assert finding.evidence["late_value_date"] == "2025-05-09"
    assert outcome.unexplained_credits == ()


def test_a_payout_mollie_canceled_is_not_expected_at_the_bank():
    p = payout(1, date(2025, 4, 2), "100.00", canceled_tx="baltr_c1")
    outcome = match_payouts([p], bank(), RULES)
    assert outcome.findings == () and outcome.matches[0].status == "canceled by Mollie"


def test_a_payout_before_the_period_is_not_judged_but_its_credit_inside_the_period_is_explained():
    january = payout(1, date(2025, 3, 31), "100.00")
    credit_in_april = credit("B1", date(2025, 4, 1), "100.00", "01000001.2504.01")
    outcome = match_payouts([january], bank(credit_in_april), RULES, judge_from=date(2025, 4, 1))
    assert outcome.matches == () and outcome.findings == () and outcome.unexplained_credits == ()
