"""The dashboard's subscription figures against the emulator and the local store (SQLite and
MariaDB): members enrolled as the subscriptions tests do it, the emulator's clock moved through
April into May 2025 with the scheduler's sync on each day something happens, then every figure
compared with totals worked out by hand from the scenario."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.monitoring.dashboard_metrics import DashboardMetrics
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.store.sql.subscription_store import SqlSubscriptionStore
from verenigingen.verenigingen_payments.subscriptions import FirstPayment, SepaMandate, SubscriptionService
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM

from .helpers import config_for, emulator_now

IBAN = "NL91ABNA0417164300"


def eur(value: str) -> dict:
    return {"value": value, "currency": "EUR"}


def _noon(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 12, tzinfo=AMSTERDAM)


def _move_to(emulator, moment: datetime) -> None:
    emulator.control.advance_clock(seconds=(moment - emulator_now(emulator)).total_seconds())


def _sync_on(emulator, service, *days: datetime) -> None:
    """The scheduler's sync at noon on each day where something changes (between them nothing does)."""
    for day in days:
        _move_to(emulator, day)
        service.sync(tracked_only=True)


def _enrol(service, member, amount="12.50", interval="1 month", **kwargs):
    kwargs.setdefault("mandate", SepaMandate(IBAN, member))
    return service.enrol(member, amount=Amount(Decimal(amount), "EUR"), interval=interval,
                         description="Contributie", **kwargs).record


def build_membership_scenario(emulator, engine) -> SubscriptionService:
    """1 April: A 12.50/month, B 30.00/3 months, C 120.00/12 months, E 12.50/month by SEPA (charged that
    day, paid 4 April); D on a 2-day trial whose iDEAL first payment is never paid (expires); F on a
    60-day trial (its Mollie subscription starts 31 May). 5 April: E cancels (period end 1 May).
    20 April: H (paid 23 April). 2 May: E comes back (term 2 from 2 May), G enrols, a payment of C
    fails. The figures are read on 6 May at noon (direct debits of 1 and 2 May paid on 4 and 5 May)."""
    config = config_for(emulator, rate_limit_requests_per_second=1000)
    service = SubscriptionService.for_account(
        config, store=SqlSubscriptionStore(engine), ledger=SqlPaymentLedger(engine),
        clock=lambda: emulator_now(emulator), sleep=lambda s: None)
    _move_to(emulator, _noon(4, 1))
    for member, amount, interval in (("A", "12.50", "1 month"), ("B", "30.00", "3 months"),
                                     ("C", "120.00", "12 months"), ("E", "12.50", "1 month")):
        _enrol(service, member, amount, interval)
    _enrol(service, "D", mandate=FirstPayment("https://example.org/welkom"), trial_days=2)
    _enrol(service, "F", trial_days=60)
    _sync_on(emulator, service, _noon(4, 3), _noon(4, 4), _noon(4, 5))
    service.cancel("E")
    _move_to(emulator, _noon(4, 20))
    _enrol(service, "H")
    # 30 April is the day before E's next charge: its Mollie subscription is canceled then
    _sync_on(emulator, service, _noon(4, 23), _noon(4, 30), _noon(5, 1), _noon(5, 2))
    service.reactivate("E")
    _enrol(service, "G")
    emulator.control.trigger("subscription.payment", service.ctx.store.current("small", "C").subscription_id,
                             status="failed")
    _sync_on(emulator, service, _noon(5, 4), _noon(5, 5), _noon(5, 6))
    return service


def test_subscription_figures_equal_hand_computed_totals_and_are_cached(emulator, sql_engine, redis_url,
                                                                         redis_prefix):
    build_membership_scenario(emulator, sql_engine)
    now = emulator_now(emulator)
    dashboard = DashboardMetrics(config_for(emulator), engine=sql_engine, redis_url=redis_url,
                                 key_prefix=redis_prefix, clock=lambda: now)
    metrics = dashboard.get()
    subscriptions = metrics["subscriptions"]
    # one row per term: A B E(term 2) G H active, C past due, E's first term canceled, F trialing, D expired
    assert subscriptions["counts"] == {"trialing": 1, "active": 5, "past_due": 1, "canceled": 1, "expired": 1}
    # a month of A, E, G, H = 4 × 12.50; B 30.00 / 3; C 120.00 / 12 (past due still pays)
    assert subscriptions["mrr"] == {"EUR": {"1 month": eur("50.00"), "3 months": eur("10.00"),
                                            "12 months": eur("10.00"), "total": eur("70.00")}}
    # 30 days from 7 April: H (23 April) and G new, E churned 1 May and back 2 May; May alone: G
    assert subscriptions["movements"] == {"30d": {"new": 2, "churned": 1, "reactivated": 1},
                                          "month": {"new": 1, "churned": 1, "reactivated": 1}}
    assert subscriptions["period"] == {"month": "2025-05", "from": "2025-05-01", "until": "2025-05-31"}
    # due in May with an outcome: A (1 May), E and G (2 May) paid, C's failed → 1 of 4
    assert subscriptions["failed_payments"] == {"failed": 1, "settled": 4, "rate": "0.2500"}
    # due in May: A 1st, E 2nd, G 2nd, H 20th, F 31st (its trial's end) = 5 × 12.50; paid: A, E, G
    assert subscriptions["dues"] == {"EUR": {"expected": eur("62.50"), "received": eur("37.50"),
                                             "outstanding": eur("25.00")}}
    assert metrics["cached"] is False
    again = dashboard.get()
    assert again["cached"] is True and again["subscriptions"] == subscriptions


def test_no_subscription_tables_means_no_subscription_section(emulator, tmp_path):
    from verenigingen.verenigingen_payments.store.sql import create_store_engine

    engine = create_store_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    now = emulator_now(emulator)
    metrics = DashboardMetrics(config_for(emulator), engine=engine, clock=lambda: now).compute()
    assert metrics["subscriptions"] is None and metrics["errors"] == []
