"""Amsterdam calendar days: the runbook's midnight trap and the DST edges."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from verenigingen.verenigingen_payments.subscriptions.dates import (
    AMSTERDAM, IntervalError, add_interval, amsterdam_date, start_of_day, trial_end,
)


def test_a_trial_ending_half_past_midnight_amsterdam_starts_that_day_not_the_utc_day_before():
    end = datetime(2026, 3, 1, 0, 30, tzinfo=AMSTERDAM)
    assert end.astimezone(timezone.utc).date() == date(2026, 2, 28)
    assert amsterdam_date(end) == date(2026, 3, 1)


def test_a_trial_keeps_its_wall_clock_time_across_the_spring_and_autumn_dst_switches():
    spring = trial_end(datetime(2025, 3, 29, 0, 30, tzinfo=AMSTERDAM), 3)
    assert spring == datetime(2025, 3, 31, 22, 30, tzinfo=timezone.utc)  # 00:30 CEST on 1 April
    assert amsterdam_date(spring) == date(2025, 4, 1)
    autumn = trial_end(datetime(2025, 10, 25, 23, 30, tzinfo=AMSTERDAM), 1)
    assert autumn == datetime(2025, 10, 26, 22, 30, tzinfo=timezone.utc)  # 23:30 CET, an hour later in UTC
    assert amsterdam_date(autumn) == date(2025, 10, 26)


def test_start_of_an_amsterdam_day_is_23h_or_22h_utc_the_day_before():
    assert start_of_day(date(2025, 3, 30)) == datetime(2025, 3, 29, 23, tzinfo=timezone.utc)
    assert start_of_day(date(2025, 3, 31)) == datetime(2025, 3, 30, 22, tzinfo=timezone.utc)
    assert start_of_day(date(2025, 10, 27)) == datetime(2025, 10, 26, 23, tzinfo=timezone.utc)


def test_intervals_follow_the_calendar_and_refuse_what_mollie_refuses():
    assert add_interval(date(2025, 1, 31), "1 month") == date(2025, 2, 28)
    assert add_interval(date(2025, 1, 1), "3 months") == date(2025, 4, 1)
    assert add_interval(date(2025, 1, 1), "2 weeks") == date(2025, 1, 15)
    with pytest.raises(IntervalError, match="interval"):
        add_interval(date(2025, 1, 1), "monthly")
    with pytest.raises(ValueError, match="timezone-aware"):
        amsterdam_date(datetime(2025, 1, 1))
