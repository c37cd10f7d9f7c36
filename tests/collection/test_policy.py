from datetime import date, datetime, timezone

import pytest

from verenigingen.verenigingen_payments.collection.paydays import collection_period, next_payday
from verenigingen.verenigingen_payments.collection.policy import (
    CONTACT, RETRY, STOP, CollectionPolicy, ReasonPolicy,
)
from verenigingen.verenigingen_payments.core.errors import InvalidInput

POLICY = CollectionPolicy()


@pytest.mark.parametrize("code", ["MD06", "MD01"])
def test_a_disputed_or_unmandated_debit_is_never_retried_but_the_member_is_contacted(code):
    decision = POLICY.decide(code, 0)
    assert (decision.action, decision.new_mandate) == (CONTACT, False)


@pytest.mark.parametrize("code", ["AC04", "AC06", "MD07"])
def test_a_closed_blocked_or_deceased_account_stops_and_asks_for_a_new_mandate(code):
    decision = POLICY.decide(code, 0)
    assert (decision.action, decision.new_mandate) == (STOP, True)


def test_insufficient_funds_is_retried_twice_then_the_member_is_contacted():
    assert [POLICY.decide("AM04", n).action for n in range(3)] == [RETRY, RETRY, CONTACT]
    assert [POLICY.decide("am04", n).attempt for n in range(2)] == [1, 2]


@pytest.mark.parametrize("code", ["MS02", "MS03", "AG01", "XX99", None, ""])
def test_every_other_code_gets_one_retry_then_contact(code):
    assert [POLICY.decide(code, n).action for n in range(2)] == [RETRY, CONTACT]


def test_an_account_overrides_a_code_and_the_rest():
    policy = CollectionPolicy.from_settings({"AM04": {"retries": 1}, "*": {"retries": 0}, "MD06": {"then": "stop"},
                                             "paydays": [25]})
    assert [policy.decide("AM04", n).action for n in range(2)] == [RETRY, CONTACT]
    assert policy.decide("MS02", 0).action == CONTACT
    assert policy.decide("MD06", 0).action == STOP
    assert policy.decide("AC04", 0).action == STOP
    assert policy.paydays == (25,)


@pytest.mark.parametrize("settings", [{"AM04": {"retries": 9}}, {"AM04": {"then": "retry"}}, {"AM04": "twice"},
                                      {"AM04": {"retries": "2"}}, {"paydays": [31]}, {"paydays": "25"},
                                      {"AM04": {"tries": 1}}])
def test_a_setting_that_cannot_be_used_is_refused(settings):
    with pytest.raises(InvalidInput):
        CollectionPolicy.from_settings(settings)


def test_reason_policy_refuses_negative_retries():
    with pytest.raises(InvalidInput):
        ReasonPolicy(-1, CONTACT)


@pytest.mark.parametrize("failed_on, expected", [
    (date(2025, 4, 3), date(2025, 4, 25)),
    (date(2025, 4, 22), date(2025, 4, 25)),
    (date(2025, 4, 23), date(2025, 5, 1)),
    (date(2025, 12, 30), date(2026, 1, 25)),
    (date(2025, 12, 27), date(2026, 1, 1)),
])
def test_a_retry_falls_on_the_first_payday_at_least_three_days_after_the_failure(failed_on, expected):
    assert next_payday(failed_on, (25, 1)) == expected


def test_the_period_is_the_amsterdam_month_of_the_collection():
    assert collection_period(datetime(2025, 3, 31, 22, 30, tzinfo=timezone.utc)) == "2025-04"
    assert collection_period(datetime(2025, 3, 31, 21, 30, tzinfo=timezone.utc)) == "2025-03"
    with pytest.raises(ValueError):
        collection_period(datetime(2025, 3, 31))
