"""Reminders with payment links over HTTP against the emulator, on SQLite and MariaDB: paying the link
settles the period and stops the dunning; a stopped mandate's link is a first payment that sets up a
new one; an unanswered reminder is followed by a second, then the membership is suspended."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.collection.helpers import Clock, config_for
from verenigingen.verenigingen_payments.clients import (
    MandatesClient, PaymentLinksClient, PaymentsClient, SubscriptionsClient,
)
from verenigingen.verenigingen_payments.collection.dunning import PAID, REMINDER_1, REMINDER_2, SUSPENDED
from verenigingen.verenigingen_payments.collection.failures import Failure
from verenigingen.verenigingen_payments.collection.figures import monthly_figures
from verenigingen.verenigingen_payments.collection.postbox import OutboxPostbox
from verenigingen.verenigingen_payments.collection.service import CollectionService
from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.store.sql.collection_store import SqlCollectionStore


def setup(emulator, sql_engine, code, kind="chargeback"):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    clock = Clock(date(2025, 3, 28))  # the emulator's today
    service = CollectionService(config, store, OutboxPostbox(store, clock), clock=clock)
    sub = next(s for s in SubscriptionsClient(config).iter_all_subscriptions() if s.status.value == "active")
    failure = Failure("1042", "2025-03", sub.customer_id, "tr_x", kind, code, Amount.of("12.50", "EUR"),
                      date(2025, 3, 28), sub.id, sub.mandate_id, 0)
    return config, store, clock, service, service.record_failure(failure)


def test_a_disputed_debit_gets_a_reminder_whose_link_settles_the_period(emulator, sql_engine):
    config, store, clock, service, case = setup(emulator, sql_engine, "MD06")
    assert case.state == REMINDER_1 and case.decision == "contact" and not case.new_mandate
    link = PaymentLinksClient(config).get_payment_link(case.link_id)
    assert (link.amount, link.sequence_type, link.archived) == (Amount.of("12.50", "EUR"), "oneoff", False)
    [message] = store.outbox("small")
    assert case.link_url in message.body and message.kind == REMINDER_1
    clock.now = datetime.fromisoformat(emulator.control.advance_clock(days=3))
    emulator.control.trigger("payment-link.pay", case.link_id)
    service.follow_up()
    paid = store.get_case(*case.key)
    assert paid.state == PAID and paid.settled_by.startswith("tr_")
    clock.now += timedelta(days=30)
    service.follow_up()
    assert store.get_case(*case.key).state == PAID and len(store.outbox("small")) == 1
    causes = [(t.to_state, t.cause) for t in store.transitions("small")]
    assert causes[-1] == (PAID, "paid through the payment link")
    [month] = monthly_figures(store.list_cases("small"))
    assert (month.at_risk, month.recovered, month.recovery_rate, month.mean_days_to_recover) == (
        Amount.of("12.50", "EUR"), Amount.of("12.50", "EUR"), 1, 3)


def test_a_closed_account_is_asked_for_a_new_mandate_through_a_first_payment(emulator, sql_engine):
    config, store, clock, service, case = setup(emulator, sql_engine, "AC04", kind="failed")
    assert case.state == REMINDER_1 and case.decision == "stop" and case.new_mandate
    link = PaymentLinksClient(config).get_payment_link(case.link_id)
    assert (link.sequence_type, link.customer_id, link.allowed_methods) == ("first", case.customer_id, ["ideal"])
    before = {m.id for m in MandatesClient(config).list_mandates(case.customer_id)}
    emulator.control.trigger("payment-link.pay", case.link_id, consumerAccount="NL02ABNA0123456789")
    service.follow_up()
    assert store.get_case(*case.key).state == PAID
    new = [m for m in MandatesClient(config).list_mandates(case.customer_id) if m.id not in before]
    assert [m.status.value for m in new] == ["valid"]
    assert store.transitions("small")[-1].cause.endswith("with a new mandate, which the subscription now collects on")
    subscription = SubscriptionsClient(config).get_subscription(case.customer_id, case.subscription_id)
    assert subscription.mandate_id == new[0].id


def test_an_unanswered_reminder_is_followed_by_a_second_then_suspension(emulator, sql_engine):
    config, store, clock, service, case = setup(emulator, sql_engine, "MD01")
    for days, state in ((13, REMINDER_1), (1, REMINDER_2), (13, REMINDER_2), (1, SUSPENDED), (30, SUSPENDED)):
        clock.now += timedelta(days=days)
        service.follow_up()
        assert store.get_case(*case.key).state == state
    assert [m.kind for m in store.outbox("small")] == [REMINDER_1, REMINDER_2]
    emulator.control.trigger("payment-link.pay", case.link_id)
    service.follow_up()
    assert store.get_case(*case.key).state == PAID  # a suspended member can still pay and is back in good standing


def test_a_link_mollie_would_not_create_is_noted_and_the_reminder_still_goes_out_once(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    clock = Clock(datetime.fromisoformat(emulator.control.now()))
    service = CollectionService(config, store, OutboxPostbox(store, clock), clock=clock)
    dues = next(p for p in PaymentsClient(config).iter_payments() if p.subscription_id and p.status.value == "paid"
                and not p.amount_charged_back)
    emulator.control.trigger("payment.chargeback", dues.id, reason="MD06")
    emulator.control.inject_fault(method="POST", path="/v2/payment-links", status=503, count=1)
    counts = service.run_day(since=clock.now - timedelta(days=1))
    [(member, period, error)] = counts.errors  # noted; the day's follow-up then delivered the reminder
    assert "ServerError" in error
    case = store.get_case("small", member, period)
    assert case.state == REMINDER_1 and case.link_id
    assert [m.kind for m in store.outbox("small")] == [REMINDER_1] and case.link_url in store.outbox("small")[0].body
    assert service.run_day(since=clock.now - timedelta(days=1)).errors == []
    assert len(store.outbox("small")) == 1, "delivered once"
