"""BalanceMonitor over HTTP against the emulator, with thresholds and alert state on SQLite and
MariaDB: status, dedupe until clear or cooldown (injected clock), never while disabled, the
settings-name path, and the per-account scheduled job."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import EnvSettingsProvider, PaymentsClient, set_settings_provider
from verenigingen.verenigingen_payments.monitoring.balance_monitor import BalanceMonitor, run_balance_monitoring
from verenigingen.verenigingen_payments.monitoring.seams import AlertDefaults, defaults_from_environment
from verenigingen.verenigingen_payments.monitoring.thresholds import (
    BELOW, DROP, FORECAST_BELOW, PENDING_ABOVE, BalanceThreshold, ThresholdError,
)

from .helpers import StepClock, config_for, emulator_now, seams_on

LOW = AlertDefaults(Decimal("5000.00"), True, ("finance@example.org",))


def test_low_balance_alerts_once_until_cooldown_then_again_and_clears(emulator, sql_engine):
    seams, outbox = seams_on(sql_engine, LOW)
    clock = StepClock(emulator_now(emulator))
    monitor = BalanceMonitor(config_for(emulator), seams=seams, clock=clock)
    first = monitor.run_monitoring_cycle()
    assert first["status"] == "critical"
    [checked] = first["balances_checked"]
    assert checked["currency"] == "EUR" and Decimal(checked["available"]) < Decimal("5000")
    assert len(first["alerts_raised"]) == 1 and first["alerts_raised"][0]["recipients"] == ["finance@example.org"]
    assert first["forecast"][checked["balance_id"]]["points"]
    clock.advance(minutes=15)
    second = monitor.run_monitoring_cycle()
    assert second["status"] == "critical" and second["alerts_raised"] == []
    assert [s["reason"] for s in second["alerts_suppressed"]] == ["cooldown"]
    clock.advance(hours=4)
    third = monitor.run_monitoring_cycle()
    assert len(third["alerts_raised"]) == 1
    assert len(outbox.sent) == 2
    relaxed = BalanceMonitor(config_for(emulator), seams=seams, clock=clock,
                             defaults=AlertDefaults(Decimal("10.00"), True, ("finance@example.org",)))
    clock.advance(minutes=15)
    cleared = relaxed.run_monitoring_cycle()
    assert cleared["status"] == "healthy" and cleared["alerts_cleared"] == [f"settings-default:small:{checked['balance_id']}"]
    clock.advance(minutes=15)
    again = monitor.run_monitoring_cycle()  # breached again right after clearing: a new alert, no cooldown
    assert len(again["alerts_raised"]) == 1 and len(outbox.sent) == 3


def test_a_disabled_account_is_neither_read_nor_alerted(emulator, sql_engine):
    seams, outbox = seams_on(sql_engine, LOW)
    emulator.control.clear_request_log()
    result = BalanceMonitor(config_for(emulator, enabled=False), seams=seams,
                            clock=StepClock(emulator_now(emulator))).run_monitoring_cycle()
    assert result["status"] == "disabled" and result["alerts_raised"] == [] and outbox.sent == []
    assert emulator.control.request_log() == []


def test_threshold_kinds_warning_and_forecast_and_drop(emulator, sql_engine):
    seams, outbox = seams_on(sql_engine)
    config = config_for(emulator)
    for t in (BalanceThreshold("fc", "small", FORECAST_BELOW, Decimal("1000.00"), currency="EUR", forecast_days=14),
              BalanceThreshold("pend", "small", PENDING_ABOVE, Decimal("0.00"), currency="EUR"),
              BalanceThreshold("drop", "small", DROP, Decimal("5.00"), period_hours=1, recipients=("kas@example.org",)),
              BalanceThreshold("off", "small", BELOW, Decimal("99999.00"), active=False)):
        seams.thresholds.save_threshold(t)
    clock = StepClock(emulator_now(emulator))
    for payment_id in _paid_direct_debits(config, 3):
        emulator.control.trigger("payment.chargeback", payment_id, reason="AM04")
    clock.advance(minutes=1)
    result = BalanceMonitor(config, seams=seams, clock=clock).run_monitoring_cycle()
    assert result["status"] == "warning"
    raised = {a["threshold_id"]: a for a in result["alerts_raised"]}
    assert set(raised) == {"fc", "drop"}  # pending is 0.00, not above 0.00; "off" is inactive
    assert raised["drop"]["recipients"] == ["kas@example.org"] and raised["fc"]["severity"] == "warning"
    assert "80% band" in raised["fc"]["message"]


def _paid_direct_debits(config, count):
    found = []
    for p in PaymentsClient(config).iter_payments():
        if str(p.status.value) == "paid" and str(p.method.value) == "directdebit" and p.amount_charged_back is None:
            found.append(p.id)
            if len(found) == count:
                return found
    return found


def test_overlapping_runs_send_one_alert(emulator, sql_engine):
    seams, outbox = seams_on(sql_engine, LOW)
    clock = StepClock(emulator_now(emulator))
    monitors = [BalanceMonitor(config_for(emulator), seams=seams, clock=clock) for _ in range(4)]
    barrier = threading.Barrier(4)
    results = []

    def run(m):
        barrier.wait()
        results.append(m.run_monitoring_cycle())

    threads = [threading.Thread(target=run, args=(m,)) for m in monitors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 4 and len(outbox.sent) == 1
    assert sum(len(r["alerts_raised"]) for r in results) == 1


def test_the_settings_name_resolves_through_the_provider_and_the_job_runs_each_account(emulator, sql_engine):
    environ = {"MOLLIE_PRODUCTION_API_KEY": emulator.api_key,
               "MOLLIE_PRODUCTION_ORGANIZATION_TOKEN": emulator.organization_token,
               "MOLLIE_PRODUCTION_BASE_URL": emulator.base_url, "MOLLIE_PRODUCTION_RETRY_MAX_ATTEMPTS": "1",
               "MOLLIE_PRODUCTION_LOW_BALANCE_THRESHOLD": "5000.00",
               "MOLLIE_PRODUCTION_ENABLE_BALANCE_ALERTS": "1",
               "MOLLIE_PRODUCTION_ALERT_RECIPIENTS": "a@example.org, b@example.org",
               "MOLLIE_BROKEN_API_KEY": "test_x", "MOLLIE_BROKEN_BASE_URL": "http://127.0.0.1:9/v2",
               "MOLLIE_BROKEN_RETRY_MAX_ATTEMPTS": "1"}
    defaults = defaults_from_environment("Production", environ)
    assert defaults == AlertDefaults(Decimal("5000.00"), True, ("a@example.org", "b@example.org"))
    seams, outbox = seams_on(sql_engine, defaults, accounts=["Production", "Broken"])
    set_settings_provider(EnvSettingsProvider(environ))
    try:
        health = BalanceMonitor("Production", seams=seams).run_monitoring_cycle()
        assert health["status"] == "critical" and health["account"] == "Production"
        results = run_balance_monitoring(seams=seams)
    finally:
        set_settings_provider(None)
    assert set(results) == {"Production", "Broken"}
    assert results["Broken"]["status"] == "warning" and results["Broken"]["errors"]
    assert outbox.sent[0].recipients == ("a@example.org", "b@example.org")


@pytest.mark.parametrize("fields, message", [
    ({"kind": "sideways"}, "kind"), ({"amount": Decimal("-1")}, "amount"),
    ({"kind": FORECAST_BELOW, "forecast_days": 30}, "forecast_days"), ({"cooldown_minutes": -5}, "cooldown"),
])
def test_bad_thresholds_are_refused_naming_the_field(fields, message):
    with pytest.raises(ThresholdError, match=message):
        BalanceThreshold(**{"threshold_id": "t", "settings_name": "s", "kind": BELOW, "amount": Decimal("1"), **fields})
