"""Contract of the subscription store, on an SQLite file and on the real MariaDB."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.store.sql.subscription_store import SqlSubscriptionStore
from verenigingen.verenigingen_payments.subscriptions.records import (
    DriftReport, SubscriptionEvent, SubscriptionPayment, SubscriptionRecord, SyncCheckpoint,
)

T0 = datetime(2025, 3, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)


def record(**changes) -> SubscriptionRecord:
    base = SubscriptionRecord("acc", "M-1", 1, "trialing", Amount(Decimal("12.50"), "EUR"), "1 month", "Dues",
                              trial_end=T0, start_date=date(2025, 3, 2), created_at=T0)
    return replace(base, **changes)


@pytest.fixture
def store(sql_engine):
    return SqlSubscriptionStore(sql_engine)


def test_records_round_trip_exactly_and_terms_stay_apart(store):
    first = record(customer_id="cst_1", subscription_id="sub_1", cancel_at_period_end=True,
                   next_payment_date=date(2025, 4, 2), failed_payment_count=2)
    store.save(first)
    store.save(first.evolve(status="active"))  # update in place
    second = record(term=2, subscription_id="sub_2", status="active")
    store.save(second)
    assert store.get("acc", "M-1", 1) == first.evolve(status="active")
    assert store.current("acc", "M-1") == second
    assert store.by_subscription_id("acc", "sub_1").term == 1
    assert store.by_subscription_id("other", "sub_1") is None
    assert [r.term for r in store.iter_records("acc", statuses=("active",))] == [1, 2]


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="status"):
        record(status="paused")


def test_events_are_recorded_once_per_key(store):
    event = SubscriptionEvent("acc", "M-1", 1, "new", T0, "M-1:1:new:x", {"payment": "tr_1"})
    assert store.record_event(event) is True
    assert store.record_event(event) is False
    assert store.has_event("acc", "M-1:1:new:x")
    assert list(store.iter_events("acc")) == [event]


def test_payments_upsert_by_id(store):
    p = SubscriptionPayment("acc", "tr_1", "sub_1", "M-1", 1, Amount(Decimal("12.50"), "EUR"), "pending",
                            date(2025, 4, 2), T0)
    store.upsert_payment(p)
    store.upsert_payment(replace(p, status="paid", paid_at=T0))
    assert list(store.iter_payments("acc")) == [replace(p, status="paid", paid_at=T0)]


def test_drift_is_refreshed_while_open_and_stays_resolved_until_it_changes(store):
    report = DriftReport("acc", "sub_1", "amount", "EUR 12.50", "EUR 15.00", "M-1", 1)
    store.record_drift(report, T0)
    store.record_drift(report, T0)
    assert [(d.field, d.status) for d in store.open_drift("acc")] == [("amount", "open")]
    store.resolve_drift("acc", "sub_1", "amount", "accept_mollie", T0)
    store.record_drift(report, T0)
    assert store.open_drift("acc") == []
    store.record_drift(replace(report, mollie_value="EUR 20.00"), T0)
    assert [d.mollie_value for d in store.open_drift("acc")] == ["EUR 20.00"]


def test_checkpoint_round_trips(store):
    assert store.get_checkpoint("acc") == SyncCheckpoint()
    store.save_checkpoint("acc", SyncCheckpoint("sub_9", T0, None, 4))
    store.save_checkpoint("acc", SyncCheckpoint("sub_12", T0, None, 5))
    assert store.get_checkpoint("acc") == SyncCheckpoint("sub_12", T0, None, 5)
