"""The iDEAL enrolment path end to end over HTTP: a first payment (sequenceType first) pays the
first period and establishes the mandate at Mollie; once it is paid, the subscription is created
on that mandate from the next period, and Mollie charges it there."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.subscriptions import FirstPayment
from verenigingen.verenigingen_payments.subscriptions.dates import add_interval, start_of_day

DUES = Amount(Decimal("15.00"), "EUR")


def _enrol(service, member: str):
    return service.enrol(member, amount=DUES, interval="1 month", description="Contributie",
                         mandate=FirstPayment("https://example.org/welkom"), name="I. Deal", email="ideal@example.org")


def test_ideal_first_payment_then_subscription_from_the_next_period(emulator, make_service, sql_store_url):
    service = make_service(sql_store_url)
    result = _enrol(service, "M-I1")
    record = result.record
    assert record.first_payment_id and record.subscription_id is None and record.mandate_id is None
    assert result.checkout_url and result.checkout_url.startswith("https://")
    api = service.ctx.api
    first = api.payments.get_payment(record.first_payment_id)
    assert (str(first.sequence_type), str(first.method), str(first.status)) == ("first", "ideal", "open")
    assert first.customer_id == record.customer_id and first.amount == DUES

    assert _enrol(service, "M-I1").record.first_payment_id == record.first_payment_id  # a re-run adds nothing
    service.sync(tracked_only=True)  # still open: nothing to complete
    assert service.ctx.store.current("small", "M-I1").subscription_id is None

    emulator.control.trigger("payment.paid", record.first_payment_id, consumerName="I. Deal",
                             consumerAccount="NL91ABNA0417164300")
    service.sync(tracked_only=True)

    record = service.ctx.store.current("small", "M-I1")
    first = api.payments.get_payment(record.first_payment_id)
    assert first.mandate_id is not None and record.mandate_id == first.mandate_id
    mandate = api.mandates.get_mandate(record.customer_id, record.mandate_id)
    assert (str(mandate.status), str(mandate.method)) == ("valid", "directdebit")
    assert mandate.details["consumerAccount"] == "NL91ABNA0417164300"
    assert record.status == "active" and record.activated_at is not None and record.subscription_id
    next_period = add_interval(record.start_date, "1 month")
    subscription = api.subscriptions.get_subscription(record.customer_id, record.subscription_id)
    assert subscription.mandate_id == record.mandate_id and subscription.amount == DUES
    assert subscription.start_date == next_period and subscription.next_payment_date == next_period
    assert record.current_period_end == start_of_day(next_period)

    service.sync(tracked_only=True)  # idempotent: still exactly one subscription at Mollie
    assert [s.id for s in api.subscriptions.list_subscriptions(record.customer_id)] == [record.subscription_id]

    # Mollie charges the next period on the mandate the first payment created; three days later it is paid.
    until_charge = start_of_day(next_period) - datetime.fromisoformat(emulator.control.now())
    emulator.control.advance_clock(seconds=until_charge.total_seconds() + 4 * 86400)
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-I1")
    charges = list(api.subscriptions.iter_subscription_payments(record.customer_id, record.subscription_id))
    assert [(str(p.sequence_type), str(p.status), p.mandate_id) for p in charges] == [
        ("recurring", "paid", record.mandate_id)]
    assert record.status == "active" and record.last_payment_id == charges[0].id
    assert record.current_period_end == start_of_day(add_interval(next_period, "1 month"))


def test_the_webhook_path_completes_the_enrolment_without_waiting_for_the_sync(emulator, make_service):
    service = make_service()
    record = _enrol(service, "M-I2").record
    emulator.control.trigger("payment.paid", record.first_payment_id)
    payment = service.ctx.api.payments.get_payment(record.first_payment_id)  # what a webhook handler fetches
    record = service.payment_observed(payment)
    assert record.subscription_id and record.mandate_id == payment.mandate_id
    assert service.payment_observed(payment).subscription_id == record.subscription_id  # a repeated webhook
