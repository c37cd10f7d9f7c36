"""SEPA pre-notifications over HTTP against the emulator, on SQLite and MariaDB."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.collection.helpers import Clock, config_for
from verenigingen.verenigingen_payments.clients import CustomersClient, PaymentsClient, SubscriptionsClient
from verenigingen.verenigingen_payments.collection.messages import money
from verenigingen.verenigingen_payments.collection.postbox import OutboxPostbox
from verenigingen.verenigingen_payments.collection.prenotification import PreNotifier
from verenigingen.verenigingen_payments.collection.service import CollectionSettings
from verenigingen.verenigingen_payments.collection.store import EXCEPTION, SENT
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.store.sql.collection_store import SqlCollectionStore

SETTINGS = CollectionSettings(association="Vereniging De Eendracht", contact="penningmeester@example.org",
                              creditor_id="NL98ZZZ999999999999")


def due_soon(config, today, days=14):
    return [s for s in SubscriptionsClient(config).iter_all_subscriptions()
            if s.status.value == "active" and s.mandate_id and s.next_payment_date
            and today <= s.next_payment_date <= today + timedelta(days=days)]


def test_each_collection_is_announced_once_and_again_only_when_it_changes(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    clock = Clock(datetime.fromisoformat(emulator.control.now()))
    today = clock.now.astimezone(AMSTERDAM).date()
    expected = due_soon(config, today)
    bounced_member = CustomersClient(config).get_customer(expected[0].customer_id)
    postbox = OutboxPostbox(store, clock, bounced=frozenset({bounced_member.email}))
    notifier = PreNotifier(config, store, postbox, clock=clock, settings=SETTINGS)

    first = notifier.run()
    assert first.sent == len(expected) - 1 and len(first.exceptions) == 1
    notes = {n.subscription_id: n for n in store.notifications("small")}
    assert set(notes) == {s.id for s in expected}
    assert notes[expected[0].id].status == EXCEPTION and notes[expected[0].id].detail == "email address bounced"
    sample = notes[expected[1].id]
    assert (sample.status, sample.version, sample.creditor_id, sample.collection_date) == (
        SENT, 1, "NL98ZZZ999999999999", expected[1].next_payment_date)
    assert sample.mandate_reference.startswith("VER-")
    messages = store.outbox("small")
    assert len(messages) == len(expected)
    body = next(m.body for m in messages if m.member_reference == sample.member_reference)
    for needed in ("NL98ZZZ999999999999", sample.mandate_reference, money(sample.amount, "nl"),
                   "terugboeken", "penningmeester@example.org"):
        assert needed in body

    again = notifier.run()
    assert (again.sent, again.resent, again.unchanged) == (0, 0, len(expected))
    assert len(store.outbox("small")) == len(expected)

    changed = expected[1]
    SubscriptionsClient(config).update_subscription(changed.customer_id, changed.id,
                                                    amount=Amount.of("17.50", "EUR"))
    third = notifier.run()
    assert (third.resent, third.unchanged) == (1, len(expected) - 1)
    latest = store.latest_notification("small", sample.collection_key)
    assert (latest.version, latest.change, latest.amount) == (2, "amount", Amount.of("17.50", "EUR"))
    resent = store.outbox("small")[-1]
    assert resent.subject.startswith("Gewijzigd") and "het bedrag is gewijzigd" in resent.body and "17,50" in resent.body


def test_the_shorter_notice_of_the_mandate_terms_is_kept(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    clock = Clock(datetime.fromisoformat(emulator.control.now()))
    today = clock.now.astimezone(AMSTERDAM).date()
    later = [s for s in due_soon(config, today) if s.next_payment_date > today + timedelta(days=5)]
    short = later[0]
    SubscriptionsClient(config).update_subscription(short.customer_id, short.id, metadata={"preNotificationDays": 5})
    PreNotifier(config, store, OutboxPostbox(store, clock), clock=clock, settings=SETTINGS).run()
    announced = {n.subscription_id for n in store.notifications("small")}
    assert short.id not in announced and later[1].id in announced
    clock.now = datetime.combine(short.next_payment_date - timedelta(days=5), clock.now.timetz())
    PreNotifier(config, store, OutboxPostbox(store, clock), clock=clock, settings=SETTINGS).run()
    assert short.id in {n.subscription_id for n in store.notifications("small")}


def test_a_notification_is_kept_with_the_payment_it_announced(emulator, sql_engine):
    config, store = config_for(emulator), SqlCollectionStore(sql_engine)
    clock = Clock(datetime.fromisoformat(emulator.control.now()))
    notifier = PreNotifier(config, store, OutboxPostbox(store, clock), clock=clock, settings=SETTINGS)
    notifier.run()
    clock.now = datetime.fromisoformat(emulator.control.advance_clock(days=15))
    counts = notifier.run()
    first_round = [n for n in store.notifications("small") if n.collection_date <= clock.now.date()]
    assert counts.linked > 0 and first_round
    linked = [n for n in first_round if n.payment_id]
    assert len(linked) == counts.linked
    for note in linked[:5]:
        payment = PaymentsClient(config).get_payment(note.payment_id)
        assert (payment.subscription_id, payment.amount) == (note.subscription_id, note.amount)
