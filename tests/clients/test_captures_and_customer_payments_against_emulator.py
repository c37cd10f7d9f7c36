"""CapturesClient and a customer's payments over HTTP against the emulator: a manual-capture payment
authorized, captured in part and read back as typed values; a customer's payments listed and created
(every response checked against the spec by the `emulator` fixture)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import CapturesClient, CustomersClient, PaymentsClient
from verenigingen.verenigingen_payments.core.errors import NotFoundError, ValidationError
from verenigingen.verenigingen_payments.core.models import Amount, CaptureStatus, PaymentStatus

REDIRECT = "https://vereniging.example/bedankt"


def hold(config, emulator, authorize: bool = True):
    payments = PaymentsClient(config)
    payment = payments.create_payment(Amount.of("40.00", "EUR"), "Borg zaalhuur", redirect_url=REDIRECT,
                                      method="creditcard", capture_mode="manual")
    if authorize:
        emulator.control.trigger("payment.authorized", payment.id)
    return payments.get_payment(payment.id)


def test_a_hold_is_captured_in_part_and_read_back_typed(config, emulator):
    payment = hold(config, emulator)
    assert payment.status is PaymentStatus.AUTHORIZED and payment.authorized_at.tzinfo is not None
    assert payment.amount_captured == Amount.of("0.00", "EUR")
    captures = CapturesClient(config)
    assert captures.list_captures(payment.id) == []

    capture = captures.create_capture(payment.id, amount=Amount.of("25.50", "EUR"), description="Schade",
                                      metadata={"booking": "B-7"})
    assert capture.amount == Amount(Decimal("25.50"), "EUR") and isinstance(capture.amount.value, Decimal)
    assert capture.status is CaptureStatus.SUCCEEDED and capture.payment_id == payment.id
    assert capture.created_at.utcoffset() is not None and capture.metadata == {"booking": "B-7"}
    assert captures.get_capture(payment.id, capture.id) == capture
    assert captures.list_captures(payment.id) == [capture]
    assert [c.id for c in captures.iter_captures(payment.id)] == [capture.id]

    paid = PaymentsClient(config).get_payment(payment.id)
    assert paid.status is PaymentStatus.PAID and paid.amount_captured == Amount.of("25.50", "EUR")
    assert paid.amount == Amount.of("40.00", "EUR")  # what was authorized stays the payment's amount


def test_without_an_amount_the_whole_authorization_is_captured(config, emulator):
    payment = hold(config, emulator)
    assert CapturesClient(config).create_capture(payment.id).amount == payment.amount


def test_a_hold_not_yet_authorized_cannot_be_captured_and_unknown_captures_are_not_found(config, emulator):
    payment = hold(config, emulator, authorize=False)
    captures = CapturesClient(config)
    with pytest.raises(ValidationError) as info:
        captures.create_capture(payment.id)
    assert info.value.field == "status"
    with pytest.raises(NotFoundError):
        captures.get_capture(payment.id, "cpt_doesnotexist")
    with pytest.raises(NotFoundError):
        captures.list_captures("tr_doesnotexist")


def test_a_customers_payments_are_the_payments_naming_that_customer(config):
    payments = PaymentsClient(config)
    everything = list(payments.iter_payments())
    customer_id = next(p.customer_id for p in everything if p.customer_id)
    expected = [p.id for p in everything if p.customer_id == customer_id]
    assert len(expected) > 1
    assert [p.id for p in payments.iter_customer_payments(customer_id)] == expected
    assert [p.id for p in payments.list_customer_payments(customer_id, max_items=1)] == expected[:1]


def test_create_customer_payment_links_the_payment_to_the_customer(config):
    customer = CustomersClient(config).create_customer(name="Jet Hendriks", email="jet@example.org")
    payments = PaymentsClient(config)
    created = payments.create_customer_payment(customer.id, Amount.of("12.50", "EUR"), "Contributie",
                                               redirect_url=REDIRECT, metadata={"member": "M-9"})
    assert (created.customer_id, created.status, created.amount) == (
        customer.id, PaymentStatus.OPEN, Amount.of("12.50", "EUR"))
    assert payments.list_customer_payments(customer.id) == [payments.get_payment(created.id)]
    with pytest.raises(NotFoundError):
        payments.create_customer_payment("cst_doesnotexist", Amount.of("1.00", "EUR"), "x", redirect_url=REDIRECT)
