"""Retries racing each other, a cancellation and a reactivation, over HTTP against the emulator on SQLite
and MariaDB: whatever the interleaving, a period is charged at most once, and Mollie's idempotency keys
turn a repeated retry into the payment already made."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

from tests.collection.helpers import Clock, config_for
from verenigingen.verenigingen_payments.clients import PaymentsClient, SubscriptionsClient
from verenigingen.verenigingen_payments.collection.dunning import CANCELED, RETRIED, RETRY_SCHEDULED, retry_idempotency_key
from verenigingen.verenigingen_payments.collection.failures import RETRY_METADATA, Failure
from verenigingen.verenigingen_payments.collection.paydays import collection_period
from verenigingen.verenigingen_payments.collection.postbox import OutboxPostbox
from verenigingen.verenigingen_payments.collection.service import CollectionService
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.store.sql.collection_store import SqlCollectionStore


def active_members(config, count):
    subs = [s for s in SubscriptionsClient(config).iter_all_subscriptions() if s.status.value == "active"
            and s.mandate_id]
    return subs[:count]


def scheduled_retry(config, store, subscription, period="2025-04"):
    """A failed AM04 collection of `subscription`'s member, decided: retry 1 scheduled on the payday."""
    clock = Clock(date(2025, 4, 3))
    service = CollectionService(config, store, OutboxPostbox(store, clock), clock=clock)
    failure = Failure(f"m-{subscription.customer_id}", period, subscription.customer_id, "tr_failed", "failed", "AM04",
                      subscription.amount, date(2025, 4, 3), subscription.id, subscription.mandate_id, 0)
    case = service.record_failure(failure)
    assert case.state == RETRY_SCHEDULED and case.next_action_on == date(2025, 4, 25)
    return case


def runner(config, store):
    clock = Clock(date(2025, 4, 25))
    return CollectionService(config, store, OutboxPostbox(store, clock), clock=clock)


def retry_payments(config, customer_id, period="2025-04"):
    return [p for p in PaymentsClient(config).iter_customer_payments(customer_id)
            if isinstance(p.metadata, dict) and (p.metadata.get(RETRY_METADATA) or {}).get("period") == period]


def in_parallel(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        barrier.wait()
        try:
            job()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_two_workers_running_the_same_retry_make_one_payment(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    cases = [scheduled_retry(config, store, s) for s in active_members(config, 4)]
    emulator.control.clear_request_log()
    in_parallel(runner(config, store).run_retries, runner(config, store).run_retries)
    for case in cases:
        saved = store.get_case(*case.key)
        [payment] = retry_payments(config, case.customer_id)
        assert (saved.state, saved.retries_done, saved.retry_payment_id) == (RETRIED, 1, payment.id)
        assert payment.sequence_type.value == "recurring" and payment.mandate_id == case.mandate_id
    log = [r for r in emulator.control.request_log() if r["method"] == "POST"]
    keys = [r["headers"]["Idempotency-Key"] for r in log]
    created = [r for r in log if r["status"] == 201 and not r["replayed"]]
    assert sorted({r["headers"]["Idempotency-Key"] for r in created}) == sorted(set(keys))
    assert len(created) == len(cases)
    assert set(keys) == {retry_idempotency_key("small", c.member_reference, c.period, 1) for c in cases}


def test_a_crash_after_the_claim_sends_the_same_key_and_gets_the_same_payment(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    [subscription] = active_members(config, 1)
    case = scheduled_retry(config, store, subscription)
    service = runner(config, store)
    service.run_retries()
    first = store.get_case(*case.key)
    store.save_case(first.__class__(**{**vars(first), "retry_payment_id": None}), None)  # the answer was lost
    runner(config, store).run_retries()
    again = store.get_case(*case.key)
    assert again.retry_payment_id == first.retry_payment_id
    assert len(retry_payments(config, case.customer_id)) == 1
    replays = [r for r in emulator.control.request_log() if r["replayed"]]
    assert len(replays) == 1


def test_a_membership_canceled_before_the_retry_is_not_charged(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    [subscription] = active_members(config, 1)
    case = scheduled_retry(config, store, subscription)
    SubscriptionsClient(config).cancel_subscription(subscription.customer_id, subscription.id)
    runner(config, store).run_retries()
    assert store.get_case(*case.key).state == CANCELED
    assert retry_payments(config, case.customer_id) == []
    assert "membership ended" in store.transitions("small", case.member_reference)[-1].cause


def test_a_cancellation_racing_the_retry_charges_the_period_at_most_once(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    subs = active_members(config, 4)
    cases = [scheduled_retry(config, store, s) for s in subs]
    canceller = runner(config, store)

    def cancel_all():
        for s, case in zip(subs, cases):
            SubscriptionsClient(config).cancel_subscription(s.customer_id, s.id)
            canceller.cancel_member(case.member_reference, "the member left")

    in_parallel(runner(config, store).run_retries, cancel_all)
    for case in cases:
        saved = store.get_case(*case.key)
        payments = retry_payments(config, case.customer_id)
        assert saved.state == CANCELED
        assert len(payments) <= 1
        assert saved.retry_payment_id in (None, *(p.id for p in payments))


def _reactivate(subscriptions, subscription) -> None:
    subscriptions.cancel_subscription(subscription.customer_id, subscription.id)
    subscriptions.create_subscription(subscription.customer_id, subscription.amount, "1 month", "Contributie (termijn 2)",
                                      start_date=date(2025, 5, 1), mandate_id=subscription.mandate_id)


def test_a_retry_after_a_reactivation_goes_out_on_the_new_membership_once(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    [subscription] = active_members(config, 1)
    case = scheduled_retry(config, store, subscription)
    _reactivate(SubscriptionsClient(config), subscription)
    runner(config, store).run_retries()
    runner(config, store).run_retries()
    saved = store.get_case(*case.key)
    [payment] = retry_payments(config, case.customer_id)
    assert saved.state == RETRIED and saved.retry_payment_id == payment.id
    emulator.control.advance_clock(days=40)
    new_terms = [p for p in PaymentsClient(config).iter_customer_payments(case.customer_id)
                 if p.subscription_id not in (None, subscription.id)]
    assert new_terms and {collection_period(p.created_at) for p in new_terms} == {"2025-05"}


def test_a_reactivation_racing_the_retry_never_charges_the_period_twice(emulator, sql_engine):
    """Whichever way the race goes, at most one charge; a retry that fell between the cancellation and the
    new membership (no membership active) cancels the case, saying so."""
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    [subscription] = active_members(config, 1)
    case = scheduled_retry(config, store, subscription)
    in_parallel(runner(config, store).run_retries, lambda: _reactivate(SubscriptionsClient(config), subscription))
    runner(config, store).run_retries()
    saved = store.get_case(*case.key)
    payments = retry_payments(config, case.customer_id)
    assert len(payments) <= 1
    if saved.state == CANCELED:
        assert payments == [] and "membership ended" in store.transitions(*case.key)[-1].cause
    else:
        assert saved.state == RETRIED and [saved.retry_payment_id] == [p.id for p in payments]

def test_a_retry_between_a_cancellation_and_the_new_membership_waits_and_goes_out_once(emulator, sql_engine):
    """The member changes membership (the old subscription canceled, the new one made moments later) and the
    retry runs in between: it waits a day instead of writing the period off, then goes out on the new one."""
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    [subscription] = active_members(config, 1)
    case = scheduled_retry(config, store, subscription)
    subscriptions = SubscriptionsClient(config)
    emulator.control.advance_clock(days=28)  # the retry's payday, 2025-04-25
    subscriptions.cancel_subscription(subscription.customer_id, subscription.id)
    moments_later = Clock(datetime.fromisoformat(emulator.control.now()) + timedelta(minutes=5))
    service = CollectionService(config, store, OutboxPostbox(store, moments_later), clock=moments_later)
    service.run_retries()
    held = store.get_case(*case.key)
    assert (held.state, held.next_action_on) == (RETRY_SCHEDULED, moments_later.now.astimezone(AMSTERDAM).date()
                                                  + timedelta(days=1))
    assert retry_payments(config, case.customer_id) == []
    subscriptions.create_subscription(subscription.customer_id, subscription.amount, "1 month", "Contributie (termijn 2)",
                                      start_date=date(2025, 5, 1), mandate_id=subscription.mandate_id)
    moments_later.now += timedelta(days=1)
    service.run_retries()
    service.run_retries()
    saved = store.get_case(*case.key)
    [payment] = retry_payments(config, case.customer_id)
    assert saved.state == RETRIED and saved.retry_payment_id == payment.id
    assert [t.to_state for t in store.transitions(*case.key)] == ["due", RETRY_SCHEDULED, RETRIED]


def test_a_membership_not_renewed_within_the_day_cancels_the_held_retry(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    [subscription] = active_members(config, 1)
    case = scheduled_retry(config, store, subscription)
    emulator.control.advance_clock(days=28)  # the retry's payday, 2025-04-25
    SubscriptionsClient(config).cancel_subscription(subscription.customer_id, subscription.id)
    clock = Clock(datetime.fromisoformat(emulator.control.now()) + timedelta(minutes=5))
    service = CollectionService(config, store, OutboxPostbox(store, clock), clock=clock)
    service.run_retries()
    assert store.get_case(*case.key).state == RETRY_SCHEDULED
    clock.now += timedelta(days=1)
    service.run_retries()
    assert store.get_case(*case.key).state == CANCELED
    assert retry_payments(config, case.customer_id) == []
