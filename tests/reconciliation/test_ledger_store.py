"""Contract tests of the payment ledger and the reconciliation store, on SQLite and real MariaDB."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.store.ledger import LedgerPayment, PaymentLedger, SyncCursor
from verenigingen.verenigingen_payments.store.reconciliation_runs import (
    COMPLETED, FAILED, OPEN, RESOLVED, ReconciliationStore,
)
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.store.sql.reconciliation_store import SqlReconciliationStore
from verenigingen.verenigingen_payments.workflows.reconciliation.discrepancy import (
    DiscrepancyKind as K, make_discrepancy,
)

pytestmark = pytest.mark.usefixtures("sql_store_url")
T0 = datetime(2025, 2, 3, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(sql_store_url):
    from verenigingen.verenigingen_payments.store.sql import create_store_engine

    engine = create_store_engine(sql_store_url)
    yield engine
    engine.dispose()


def payment(i: int, **changes) -> LedgerPayment:
    base = LedgerPayment(
        f"tr_{i:05d}", Amount(Decimal("12.50"), "EUR"), "paid", T0 + timedelta(minutes=i), method="ideal",
        paid_at=T0 + timedelta(minutes=i, seconds=30), settlement_id="stl_a",
        settlement_amount=Amount(Decimal("12.50"), "EUR"), fees=Amount(Decimal("0.3509"), "EUR"),
        amount_refunded=Amount(Decimal("0.00"), "EUR"))
    return dataclasses.replace(base, **changes)


def test_ledger_round_trips_exact_money_and_aware_times(engine):
    ledger = SqlPaymentLedger(engine)
    assert isinstance(ledger, PaymentLedger)
    jpy = payment(2, amount=Amount(Decimal("1250"), "JPY"), amount_refunded=Amount(Decimal("0"), "JPY"),
                  settlement_amount=Amount(Decimal("8.01"), "EUR"))
    ledger.upsert_payments("acct", [payment(1), jpy])
    got = ledger.get_payments("acct", ["tr_00001", "tr_00002", "tr_missing"])
    assert got == {"tr_00001": payment(1), "tr_00002": jpy}
    assert got["tr_00001"].fees.value == Decimal("0.3509")


def test_upsert_updates_in_place_and_keeps_what_reconciliation_marked(engine):
    ledger = SqlPaymentLedger(engine)
    ledger.upsert_payments("acct", [payment(i) for i in range(600)])
    ledger.mark_settled_in("acct", "stl_a", [f"tr_{i:05d}" for i in range(0, 600, 2)])
    ledger.upsert_payments("acct", [payment(0, status="charged_back"), payment(1)])
    assert ledger.count("acct") == 600
    assert ledger.count("other") == 0
    got = ledger.get_payments("acct", ["tr_00000", "tr_00001"])
    assert (got["tr_00000"].status, got["tr_00000"].settled_in) == ("charged_back", "stl_a")
    assert got["tr_00001"].settled_in is None
    claimed = list(ledger.iter_claimed_by_settlement("acct", "stl_a"))
    assert [p.id for p in claimed] == [f"tr_{i:05d}" for i in range(600)]
    unplaced = list(ledger.iter_claimed_by_settlement("acct", "stl_a", unplaced_only=True))
    assert [p.id for p in unplaced] == [f"tr_{i:05d}" for i in range(1, 600, 2)]
    ledger.upsert_payments("acct", [payment(601, settlement_id=None)])
    assert ledger.placement("acct", ["tr_00001", "tr_00601", "tr_absent"]) == {"tr_00001": True, "tr_00601": False}
    assert ledger.placement("other", ["tr_00001"]) == {}


def test_captured_amounts_round_trip_and_an_older_table_gets_the_column(engine):
    import sqlalchemy as sa

    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS mollie_payment"))
        conn.execute(sa.text("CREATE TABLE mollie_payment (account VARCHAR(140) NOT NULL, payment_id VARCHAR(64) NOT "
                             "NULL, currency VARCHAR(3) NOT NULL, amount VARCHAR(40) NOT NULL, status VARCHAR(32) NOT "
                             "NULL, method VARCHAR(32), sequence_type VARCHAR(16), customer_id VARCHAR(64), "
                             "member_reference VARCHAR(140), subscription_id VARCHAR(64), mandate_id VARCHAR(64), "
                             "created_at DATETIME NOT NULL, paid_at DATETIME, amount_refunded VARCHAR(40), "
                             "amount_charged_back VARCHAR(40), settlement_id VARCHAR(64), settlement_currency "
                             "VARCHAR(3), settlement_amount VARCHAR(40), fees VARCHAR(40), settled_in VARCHAR(64), "
                             "synced_at DATETIME NOT NULL, PRIMARY KEY (account, payment_id))"))
        conn.execute(sa.text("DROP TABLE IF EXISTS store_migration"))
    ledger = SqlPaymentLedger(engine)
    captured = payment(1, amount=Amount(Decimal("50.00"), "GBP"), amount_refunded=None,
                       amount_captured=Amount(Decimal("35.00"), "GBP"), settlement_amount=Amount(Decimal("40.10"), "EUR"))
    ledger.upsert_payments("acct", [captured])
    assert ledger.get_payments("acct", ["tr_00001"])["tr_00001"] == captured


def test_sync_cursor_survives_reopening(engine, sql_store_url):
    SqlPaymentLedger(engine).save_sync_cursor("acct", SyncCursor("tr_00042", None, T0, None, 250))
    SqlPaymentLedger(engine).save_sync_cursor("acct", SyncCursor("tr_00010", None, T0, None, 500))
    assert SqlPaymentLedger(engine).get_sync_cursor("acct") == SyncCursor("tr_00010", None, T0, None, 500)
    assert SqlPaymentLedger(engine).get_sync_cursor("new") == SyncCursor()


def _found(*ids):
    return [make_discrepancy(K.PAYMENT_MISSING_LOCALLY, Amount.of("1.00", "EUR"), (i,), i) for i in ids]


def test_a_same_day_rerun_replaces_its_findings_and_resolved_stays_resolved(engine):
    runs = SqlReconciliationStore(engine)
    assert isinstance(runs, ReconciliationStore)
    day, nxt = date(2025, 2, 2), date(2025, 2, 3)
    first = runs.start_run("acct", day, nxt, T0)
    runs.record_discrepancies("acct", first.run_id, _found("tr_1", "tr_2", "tr_3") + _found("tr_1"), T0)
    done = runs.finish_run(first.run_id, COMPLETED, T0 + timedelta(seconds=3), settlements_checked=2)
    assert (done.discrepancy_count, done.duration_ms, done.status) == (3, 3000, COMPLETED)
    tr2 = _found("tr_2")[0].identity
    resolved = runs.resolve("acct", tr2, "finance@vereniging.nl", "booked by hand", T0 + timedelta(hours=1))
    assert resolved.status == RESOLVED

    later = T0 + timedelta(hours=2)
    again = runs.start_run("acct", day, nxt, later)
    assert again.run_id == first.run_id and not again.resumed
    runs.record_discrepancies("acct", again.run_id, _found("tr_2", "tr_3", "tr_4"), later)
    runs.finish_run(again.run_id, COMPLETED, later + timedelta(seconds=1))

    stored = {x.ids[0]: x for x in runs.list_discrepancies("acct")}
    assert sorted(stored) == ["tr_2", "tr_3", "tr_4"]  # tr_1 no longer found: replaced
    assert stored["tr_2"].status == RESOLVED and stored["tr_2"].resolution_note == "booked by hand"
    assert stored["tr_3"].first_seen_at == T0 and stored["tr_3"].last_seen_at == later
    assert len(runs.list_runs("acct")) == 1


def test_an_interrupted_run_is_resumed_with_its_checkpoint(engine):
    runs = SqlReconciliationStore(engine)
    run = runs.start_run("acct", date(2025, 1, 1), date(2025, 2, 1), T0)
    runs.save_checkpoint(run.run_id, {"settlements_done": ["stl_a"]})
    runs.finish_run(run.run_id, FAILED, T0 + timedelta(seconds=1), error="ServerError: 502")
    resumed = runs.start_run("acct", date(2025, 1, 1), date(2025, 2, 1), T0 + timedelta(minutes=5))
    assert resumed.run_id == run.run_id and resumed.checkpoint == {"settlements_done": ["stl_a"]}
    assert resumed.started_at == T0


def test_resolving_needs_a_note(engine):
    runs = SqlReconciliationStore(engine)
    run = runs.start_run("acct", date(2025, 1, 1), date(2025, 1, 2), T0)
    runs.record_discrepancies("acct", run.run_id, _found("tr_9"), T0)
    with pytest.raises(ValueError):
        runs.resolve("acct", _found("tr_9")[0].identity, "someone", "  ", T0)
    assert runs.list_discrepancies("acct", status=OPEN)[0].ids == ("tr_9",)


def test_unsettled_paid_payments_are_those_no_settlement_places_in_the_window(engine):
    ledger = SqlPaymentLedger(engine)
    ledger.upsert_payments("acct", [payment(i, settlement_id=None) for i in range(6)] + [payment(6)])
    ledger.mark_settled_in("acct", "stl_a", ["tr_00001"])
    ledger.upsert_payments("acct", [payment(2, settlement_id=None, status="failed")])
    window_from, window_until = T0 + timedelta(minutes=1), T0 + timedelta(minutes=5)
    found = [p.id for p in ledger.iter_unsettled_paid("acct", window_from, window_until)]
    assert found == ["tr_00003", "tr_00004"]  # 0 before, 1 settled, 2 failed, 5 after, 6 Mollie places


def test_unsettled_paid_payments_page_past_equal_payment_times(engine):
    """1,200 unsettled payments, many sharing one paid_at: every one streamed once, in paid order."""
    ledger = SqlPaymentLedger(engine)
    same = T0 + timedelta(hours=1)
    ledger.upsert_payments("acct", [payment(i, settlement_id=None, paid_at=same if i % 3 else T0 + timedelta(
        minutes=i)) for i in range(1200)])
    found = [p.id for p in ledger.iter_unsettled_paid("acct", None, T0 + timedelta(days=2))]
    assert sorted(found) == [f"tr_{i:05d}" for i in range(1200)] and len(set(found)) == 1200


@pytest.mark.parametrize("count", [1, 3, 511, 513, 1100])
def test_lookups_of_any_number_of_ids_answer_exactly_those(engine, count):
    ledger = SqlPaymentLedger(engine)
    ledger.upsert_payments("acct", [payment(i, settlement_id=None if i % 3 else "stl_a") for i in range(1200)])
    wanted = [f"tr_{i:05d}" for i in range(0, 2 * count, 2)] + ["tr_missing"]
    known = [pid for pid in wanted if pid != "tr_missing" and int(pid[3:]) < 1200]
    assert sorted(ledger.get_payments("acct", wanted)) == sorted(known)
    assert ledger.placement("acct", wanted) == {pid: int(pid[3:]) % 3 == 0 for pid in known}
    ledger.mark_settled_in("acct", "stl_b", wanted)
    assert all(p.settled_in == "stl_b" for p in ledger.get_payments("acct", wanted).values())
    assert ledger.upsert_payments("acct", [payment(i) for i in range(count)]) == count
    assert ledger.count("acct") == 1200
