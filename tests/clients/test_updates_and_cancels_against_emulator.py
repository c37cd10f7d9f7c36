"""The clients' updates, deletes and cancels over HTTP: update_payment, update_customer,
delete_customer, cancel_refund (every response checked against the spec)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import (
    BalancesClient,
    CustomersClient,
    MandatesClient,
    PaymentsClient,
    RefundsClient,
    SubscriptionsClient,
)
from verenigingen.verenigingen_payments.core.errors import NotFoundError, ValidationError
from verenigingen.verenigingen_payments.core.models import Amount

EUR = "EUR"


def _open_payment(payments: PaymentsClient, **extra):
    return payments.create_payment(Amount(Decimal("20.00"), EUR), "Contributie", redirect_url="https://example.org/r",
                                   **extra)


def _paid_payment(emulator, payments: PaymentsClient):
    payment = _open_payment(payments, method="ideal")
    emulator.control.trigger("payment.paid", payment.id)
    return payments.get_payment(payment.id)


def test_update_payment_changes_what_mollie_lets_change_and_refuses_the_rest(emulator, config):
    payments = PaymentsClient(config)
    payment = _open_payment(payments)
    updated = payments.update_payment(payment.id, description="Contributie april", webhook_url="http://127.0.0.1:9/h",
                                      metadata={"member": "M-1"}, method="ideal", locale="nl_NL")
    assert (updated.description, updated.webhook_url, updated.metadata) == (
        "Contributie april", "http://127.0.0.1:9/h", {"member": "M-1"})
    assert str(updated.method) == "ideal" and updated.raw["locale"] == "nl_NL"
    assert payments.get_payment(payment.id) == updated
    log = [r for r in emulator.control.request_log() if r["method"] == "PATCH"]
    assert len(log) == 1 and "Idempotency-Key" not in log[0]["headers"]  # Mollie ignores keys on PATCH

    with pytest.raises(ValidationError) as bad:
        payments.update_payment(payment.id, redirect_url="not a url")
    assert bad.value.field == "redirectUrl"

    paid = _paid_payment(emulator, payments)
    assert payments.update_payment(paid.id, description="Na betaling").description == "Na betaling"
    with pytest.raises(ValidationError) as closed:
        payments.update_payment(paid.id, method="creditcard")
    assert closed.value.field == "method"
    with pytest.raises(NotFoundError):
        payments.update_payment("tr_doesnotexist", description="x")


def test_update_customer_keeps_the_fields_not_given(config):
    customers = CustomersClient(config)
    created = customers.create_customer(name="A. Lid", email="a@example.org", locale="nl_NL", metadata={"m": 1})
    updated = customers.update_customer(created.id, email="nieuw@example.org")
    assert (updated.name, updated.email, updated.locale, updated.metadata) == (
        "A. Lid", "nieuw@example.org", "nl_NL", {"m": 1})
    assert customers.get_customer(created.id) == updated
    scenario_customer = customers.list_customers(max_items=1)[0]
    renamed = customers.update_customer(scenario_customer.id, name="Andere Naam")
    assert renamed.name == "Andere Naam" and renamed.email == scenario_customer.email
    with pytest.raises(ValidationError) as bad:
        customers.update_customer(created.id, email="geen-adres")
    assert bad.value.field == "email"


def test_delete_customer_cancels_its_mandates_and_subscriptions(config):
    customers, mandates, subscriptions = CustomersClient(config), MandatesClient(config), SubscriptionsClient(config)
    customer = customers.create_customer(name="Weg Lid")
    mandate = mandates.create_mandate(customer.id, method="directdebit", consumer_name="Weg Lid",
                                      consumer_account="NL91ABNA0417164300")
    subscription = subscriptions.create_subscription(customer.id, Amount(Decimal("10.00"), EUR), "1 month",
                                                     "Contributie")
    assert customers.list_customers(max_items=1)[0].id == customer.id  # newest first
    assert customers.delete_customer(customer.id) is None

    with pytest.raises(NotFoundError):
        customers.get_customer(customer.id)
    with pytest.raises(NotFoundError):
        customers.delete_customer(customer.id)
    assert customer.id not in [c.id for c in customers.list_customers(max_items=100)]
    subs = {s.id: s for s in subscriptions.iter_all_subscriptions()}
    assert str(subs[subscription.id].status) == "canceled" and subs[subscription.id].canceled_at is not None
    assert subs[subscription.id].mandate_id == mandate.id
    with pytest.raises(ValidationError) as gone:
        PaymentsClient(config).create_payment(Amount(Decimal("1.00"), EUR), "x", customer_id=customer.id,
                                              sequence_type="recurring")
    assert gone.value.field == "customerId"


def test_cancel_refund_while_pending_gives_the_money_back_to_the_payment_and_the_balance(emulator, config):
    payments, refunds, balances = PaymentsClient(config), RefundsClient(config), BalancesClient(config)
    paid = _paid_payment(emulator, payments)
    available = balances.get_primary_balance().available_amount
    refund = refunds.create_refund(paid.id, Amount(Decimal("5.00"), EUR), description="Te veel betaald")
    assert str(refund.status) == "pending"
    assert payments.get_payment(paid.id).amount_refunded == Amount(Decimal("5.00"), EUR)
    assert balances.get_primary_balance().available_amount == available - Amount(Decimal("5.00"), EUR)

    assert refunds.cancel_refund(paid.id, refund.id) is None

    assert str(refunds.get_refund(paid.id, refund.id).status) == "canceled"
    again = payments.get_payment(paid.id)
    assert again.amount_refunded == Amount(Decimal("0.00"), EUR) and again.amount_remaining == paid.amount
    assert balances.get_primary_balance().available_amount == available
    primary = balances.get_primary_balance()
    kinds = [(str(t.type), t.result_amount) for t in balances.iter_transactions(primary.id)][:2]
    assert kinds == [("refund-compensation", Amount(Decimal("5.00"), EUR)),
                     ("refund", Amount(Decimal("-5.00"), EUR))]
    with pytest.raises(ValidationError) as twice:
        refunds.cancel_refund(paid.id, refund.id)
    assert twice.value.field == "status"


def test_a_processed_refund_cannot_be_canceled(config):
    refunds = RefundsClient(config)
    old = next(r for r in refunds.iter_refunds() if str(r.status) == "refunded")
    with pytest.raises(ValidationError):
        refunds.cancel_refund(old.payment_id, old.id)
    with pytest.raises(NotFoundError):
        refunds.cancel_refund(old.payment_id, "re_doesnotexist")
