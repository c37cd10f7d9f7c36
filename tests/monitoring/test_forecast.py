"""The balance forecast on the emulator's scenario histories, measured on held-out days against
naive baselines, and its robustness to one-off outliers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import BalancesClient, SettlementsClient
from verenigingen.verenigingen_payments.monitoring.balance_data import read_flows, read_schedule
from verenigingen.verenigingen_payments.monitoring.forecast import (
    BalanceForecast, Flow, forecast_balance, trimmed_mean,
)
from verenigingen.verenigingen_payments.monitoring.forecast_evaluation import evaluate_holdout

from .helpers import config_for, emulator_now


def scenario_history(emu):
    config = config_for(emu)
    balances = BalancesClient(config)
    balance = balances.get_primary_balance()
    now = emulator_now(emu)
    flows = read_flows(balances, balance, now - timedelta(days=400))
    schedule = read_schedule(SettlementsClient(config), balance, now)
    return flows, schedule, balance.available_amount.value, now


@pytest.mark.parametrize("seed", [1, 2])
def test_forecast_error_on_held_out_days_beats_naive_baselines(emulator_factory, seed):
    flows, schedule, available, now = scenario_history(emulator_factory(seed=seed))
    report = evaluate_holdout(flows, schedule, available, "EUR", now, holdout_days=21, horizon=7)
    print("forecast holdout", json.dumps({"seed": seed, **report.as_dict()}))
    for h in (1, 7):
        assert report.mae[h] * 3 < report.mae_persistence[h]
        assert report.mae[h] * 3 < report.mae_linear_fit[h]
    assert report.mae[7] < report.mean_abs_balance * Decimal("0.2")
    assert Decimal("0.6") <= report.band_coverage <= Decimal("1")


def test_forecast_sees_the_scheduled_payout_and_round_trips(emulator):
    flows, schedule, available, now = scenario_history(emulator)
    forecast = forecast_balance(flows, schedule, available, "EUR", now)
    assert len(forecast.points) == 14 and forecast.band_method.startswith("empirical")
    assert all(p.low <= p.expected <= p.high for p in forecast.points)
    drops = [b.expected - a.expected for a, b in zip(forecast.points, forecast.points[1:])]
    assert min(drops) < -1000  # the next payout takes the balance down
    assert BalanceForecast.from_dict(json.loads(json.dumps(forecast.as_dict()))) == forecast


def test_one_large_outlier_day_barely_moves_the_rate():
    start = datetime(2025, 1, 1, 12, tzinfo=timezone.utc)
    daily = [Decimal("100.00")] * 27 + [Decimal("-5000.00")]
    assert trimmed_mean(daily) == Decimal("100")
    flows = [Flow(start + timedelta(days=i), v) for i, v in enumerate(daily)]
    flows.append(Flow(start + timedelta(days=10, hours=1), Decimal("9000.00")))  # a dues run
    forecast = forecast_balance(flows, [], Decimal("10000.00"), "EUR", start + timedelta(days=28))
    assert Decimal("90") <= forecast.daily_rate <= Decimal("110")


def test_little_history_falls_back_to_a_stated_normal_band():
    start = datetime(2025, 1, 1, 12, tzinfo=timezone.utc)
    flows = [Flow(start + timedelta(days=i), Decimal(50 + 10 * (i % 3))) for i in range(10)]
    forecast = forecast_balance(flows, [], Decimal("500.00"), "EUR", start + timedelta(days=10), horizon=3)
    assert forecast.band_method.startswith("normal approximation")
    widths = [p.high - p.low for p in forecast.points]
    assert widths[0] < widths[1] < widths[2]
