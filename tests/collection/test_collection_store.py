"""The collection store's contract on SQLite and MariaDB."""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest

from verenigingen.verenigingen_payments.collection.dunning import (
    DUE, PAID, REMINDER_1, RETRY_SCHEDULED, ConcurrentChange, DunningCase, IllegalTransition, Transition,
)
from verenigingen.verenigingen_payments.collection.store import SENT, OutboxMessage, PreNotification
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.store.sql.collection_store import SqlCollectionStore

T0 = datetime(2025, 4, 3, 9, 0, tzinfo=timezone.utc)


def new_case(member="1001", period="2025-04") -> tuple[DunningCase, Transition]:
    case = DunningCase("acc", member, period, DUE, "AM04", "retry", Amount.of("12.50", "EUR"), "cst_1", "tr_1",
                       "failed", date(2025, 4, 3), T0, T0, subscription_id="sub_1", mandate_id="mdt_1")
    return case, Transition("acc", member, period, "", DUE, "direct debit tr_1 failed: AM04", T0)


@pytest.fixture
def store(sql_engine):
    return SqlCollectionStore(sql_engine)


def test_a_case_opens_once_and_keeps_its_history(store):
    case, opened = new_case()
    saved, created = store.open_case(case, opened)
    assert created and saved == case
    again, created_again = store.open_case(*new_case())
    assert not created_again and again == case
    moved, t = saved.moved(RETRY_SCHEDULED, "AM04: retry 1 on 2025-04-25", T0, next_action_on=date(2025, 4, 25))
    moved = store.save_case(moved, t)
    assert store.get_case("acc", "1001", "2025-04") == moved
    assert moved.version == 1 and moved.next_action_on == date(2025, 4, 25)
    assert [(x.from_state, x.to_state) for x in store.transitions("acc", "1001", "2025-04")] == [
        ("", DUE), (DUE, RETRY_SCHEDULED)]
    assert store.list_cases("acc", (RETRY_SCHEDULED,)) == [moved]
    assert store.list_cases("acc", (PAID,)) == []


def test_two_writers_of_one_case_cannot_both_win(store):
    case, _ = store.open_case(*new_case())
    first = store.save_case(*case.moved(REMINDER_1, "contact", T0))
    with pytest.raises(ConcurrentChange):
        store.save_case(*case.moved(PAID, "paid by link", T0))
    assert store.get_case(*case.key) == first
    assert len(store.transitions("acc")) == 2


def test_concurrent_discoveries_of_one_failure_open_one_case(store):
    results = []

    def open_it():
        results.append(store.open_case(*new_case())[1])

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert len(store.transitions("acc")) == 1


def test_an_illegal_move_is_refused():
    case, _ = new_case()
    with pytest.raises(IllegalTransition):
        case.moved("suspended", "skipping reminders", T0)


def test_a_notification_version_is_stored_once(store):
    note = PreNotification("acc", "sub_1", "sub_1:2025-05", 1, "1001", "cst_1", date(2025, 5, 1),
                           Amount.of("12.50", "EUR"), "mdt_1", "VER-001001", "NL00ZZZ000000000000", SENT, "", T0)
    assert store.add_notification(note)
    assert not store.add_notification(note)
    store.link_notification_payment("acc", "sub_1:2025-05", "tr_9")
    assert store.latest_notification("acc", "sub_1:2025-05").payment_id == "tr_9"
    assert [n.version for n in store.notifications("acc")] == [1]


def test_the_outbox_prints_each_message_once(store):
    msg = store.add_message(OutboxMessage("acc", "reminder_1", "1001", "a@example.org", "nl", "Herinnering", "Tekst", T0))
    assert [m.message_id for m in store.outbox("acc", unprinted_only=True)] == [msg.message_id]
    store.mark_printed([msg.message_id], T0)
    assert store.outbox("acc", unprinted_only=True) == []
    assert store.outbox("acc")[0].printed_at == T0
