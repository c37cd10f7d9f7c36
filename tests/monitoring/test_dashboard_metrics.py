"""Dashboard metrics against the emulator, the local store (SQLite and MariaDB) and real Redis:
every figure equals a total computed by hand from Mollie's own objects, and the cache serves
repeat calls until invalidated."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median

from verenigingen.verenigingen_payments.clients import (
    BalancesClient,
    ChargebacksClient,
    PaymentsClient,
    SettlementsClient,
)
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.disputes.sync import ChargebackSync
from verenigingen.verenigingen_payments.monitoring.dashboard_metrics import DashboardMetrics
from verenigingen.verenigingen_payments.store.ledger import SyncCursor
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.store.sql.reconciliation_store import SqlReconciliationStore
from verenigingen.verenigingen_payments.workflows.reconciliation.mollie_inputs import ledger_payment_from

from ..disputes.helpers import service_on
from .helpers import StepClock, config_for, emulator_now


def _fill_local_store(emulator, engine):
    config = config_for(emulator)
    payments = list(PaymentsClient(config).iter_payments())
    SqlPaymentLedger(engine).upsert_payments("small", [ledger_payment_from(p) for p in payments])
    ChargebackSync(service_on(engine), config, clock=StepClock(emulator_now(emulator))).sync()
    runs = SqlReconciliationStore(engine)
    run = runs.start_run("small", date(2025, 3, 27), date(2025, 3, 28), emulator_now(emulator))
    runs.finish_run(run.run_id, "completed", emulator_now(emulator), settlements_checked=1)
    return config, payments, run


def test_metrics_equal_hand_computed_totals(emulator, sql_engine):
    config, payments, run = _fill_local_store(emulator, sql_engine)
    now = emulator_now(emulator)
    metrics = DashboardMetrics(config, engine=sql_engine, clock=lambda: now).compute()
    assert metrics["errors"] == []
    balance = BalancesClient(config).get_primary_balance()
    assert metrics["balances"] == [{"balance_id": balance.id, "currency": "EUR", "status": "active",
                                    "available": {"value": f"{balance.available_amount.value:f}", "currency": "EUR"},
                                    "pending": {"value": "0.00", "currency": "EUR"}}]
    transactions = list(BalancesClient(config).iter_transactions(balance.id))
    chargebacks = ChargebacksClient(config).list_chargebacks()
    for name, days in (("30d", 30), ("90d", 90)):
        start = datetime.combine(now.astimezone(AMSTERDAM).date() - timedelta(days=days - 1), time(0), AMSTERDAM)
        paid = [p for p in payments if str(p.status.value) == "paid" and p.paid_at >= start]
        volume = metrics["volume"][name]["EUR"]
        assert volume["count"] == len(paid)
        assert Decimal(volume["amount"]["value"]) == sum((p.amount.value for p in paid), Decimal(0))
        assert Decimal(volume["refunds"]["value"]) == sum(
            (p.amount_refunded.value for p in paid if p.amount_refunded), Decimal(0))
        window = [t for t in transactions if t.created_at >= start]
        fees = -sum((t.deductions.value for t in window if t.deductions), Decimal(0))
        gross = sum((t.initial_amount.value for t in window if str(t.type.value) == "payment"), Decimal(0))
        fee = metrics["fees"][name]["EUR"]
        assert Decimal(fee["fees"]["value"]) == fees and Decimal(fee["payments"]["value"]) == gross
        assert fee["fee_rate"] == f"{(fees / gross).quantize(Decimal('0.0001'))}"
        recent = [c for c in chargebacks if c.created_at >= start]
        assert metrics["chargebacks"][name].get("EUR", {"count": 0})["count"] == len(recent)
        if recent:
            assert Decimal(metrics["chargebacks"][name]["EUR"]["amount"]["value"]) == sum(
                (c.amount.value for c in recent), Decimal(0))
    assert metrics["disputes"] == {"open": len(chargebacks), "by_status": {"open": len(chargebacks)}}
    assert metrics["reconciliation"]["run_id"] == run.run_id and metrics["reconciliation"]["status"] == "completed"
    assert metrics["ledger"] == {"synced": True}
    assert metrics["next_settlement"]["amount"]["currency"] == "EUR"


def test_cache_serves_repeats_until_invalidated(emulator, sql_engine, redis_url, redis_prefix):
    config, _, _ = _fill_local_store(emulator, sql_engine)
    now = emulator_now(emulator)
    dashboard = DashboardMetrics(config, engine=sql_engine, redis_url=redis_url, key_prefix=redis_prefix,
                                 clock=lambda: now)
    first = dashboard.get()
    emulator.control.clear_request_log()
    second = dashboard.get()
    assert first["cached"] is False and second["cached"] is True
    assert {k: v for k, v in second.items() if k != "cached"} == {k: v for k, v in first.items() if k != "cached"}
    assert emulator.control.request_log() == []  # served without touching Mollie
    dashboard.invalidate()
    assert dashboard.get()["cached"] is False


def test_local_figures_survive_a_mollie_outage(emulator, sql_engine):
    config, _, _ = _fill_local_store(emulator, sql_engine)
    cases = len(ChargebacksClient(config).list_chargebacks())
    emulator.control.inject_fault(method="GET", path="/v2/*", status=503, count=100)
    now = emulator_now(emulator)
    metrics = DashboardMetrics(config, engine=sql_engine, clock=lambda: now).compute()
    assert {e["part"] for e in metrics["errors"]} == {"balances", "next_settlement"}
    assert metrics["balances"] is None and metrics["volume"]["90d"]["EUR"]["count"] > 0
    assert metrics["disputes"]["open"] == cases > 0


def test_volume_is_unknown_until_the_ledger_holds_something(emulator, sql_engine):
    """A ledger never synced is no data, not zero volume; a finished backfill of no payments is zero."""
    config, now = config_for(emulator), emulator_now(emulator)
    ledger = SqlPaymentLedger(sql_engine)  # the tables exist, the account has nothing in them
    metrics = DashboardMetrics(config, engine=sql_engine, clock=lambda: now).compute()
    assert (metrics["ledger"], metrics["volume"]) == ({"synced": False}, None)
    ledger.save_sync_cursor(config.account, SyncCursor(started_at=now, completed_at=now))
    metrics = DashboardMetrics(config, engine=sql_engine, clock=lambda: now).compute()
    assert metrics["ledger"] == {"synced": True} and metrics["volume"] == {"30d": {}, "90d": {}}


def test_the_next_payout_is_expected_about_when_mollie_pays_it(emulator, sql_engine):
    """Estimated from the recent settlements' lag and cadence; the emulator then pays it within a day."""
    config, now = config_for(emulator), emulator_now(emulator)
    metrics = DashboardMetrics(config, engine=sql_engine, clock=lambda: now).compute()
    nxt = metrics["next_settlement"]
    assert metrics["errors"] == [] and nxt["status"] == "open"  # the half month still collecting
    paid = sorted((s for s in SettlementsClient(config).list_settlements() if str(s.status.value) == "paidout"),
                  key=lambda s: s.created_at)
    lag = median([s.settled_at - s.created_at for s in paid])
    cadence = median([b.created_at - a.created_at for a, b in itertools.pairwise(paid)])
    expected = datetime.fromisoformat(nxt["expected_payout"])
    assert expected == paid[-1].created_at + cadence + lag
    emulator.control.advance_clock(days=30)
    actual = min((s for s in SettlementsClient(config).list_settlements() if s.created_at > paid[-1].created_at),
                 key=lambda s: s.created_at).settled_at
    assert abs(actual - expected) <= timedelta(days=1)


def test_no_next_settlement_is_news_not_an_error(emulator, sql_engine):
    emulator.control.inject_fault(method="GET", path="/v2/settlements/next", status=404, count=10)
    config, now = config_for(emulator), emulator_now(emulator)
    metrics = DashboardMetrics(config, engine=sql_engine, clock=lambda: now).compute()
    assert metrics["next_settlement"] is None and metrics["errors"] == []
