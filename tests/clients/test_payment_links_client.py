"""The Payment Links API in the emulator (every response held to Mollie's spec) through the typed client."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.clients import CustomersClient, MandatesClient, PaymentLinksClient
from verenigingen.verenigingen_payments.core.errors import NotFoundError, ValidationError
from verenigingen.verenigingen_payments.core.models import Amount


@pytest.fixture
def links(config):
    return PaymentLinksClient(config)


def test_a_link_is_created_paid_once_and_lists_its_payment(links, emulator):
    link = links.create_payment_link("Contributie april 2025", amount=Amount.of("12.50", "EUR"),
                                     webhook_url="http://127.0.0.1:9/hook")
    assert link.id.startswith("pl_") and link.checkout_url.startswith("https://")
    assert (link.archived, link.reusable, link.paid_at, link.amount) == (False, False, None, Amount.of("12.50", "EUR"))
    assert list(links.iter_link_payments(link.id)) == []
    emulator.control.trigger("payment-link.pay", link.id)
    paid = links.get_payment_link(link.id)
    assert paid.paid_at is not None
    [payment] = list(links.iter_link_payments(link.id))
    assert (payment.status.value, payment.amount, payment.sequence_type.value) == ("paid", Amount.of("12.50", "EUR"), "oneoff")
    with pytest.raises(RuntimeError, match="not reusable"):
        emulator.control.trigger("payment-link.pay", link.id)
    with pytest.raises(ValidationError):
        links.delete_payment_link(link.id)
    assert link.id in [item.id for item in links.iter_payment_links()]


def test_a_first_payment_link_gives_the_member_a_new_mandate(links, config, emulator):
    customer = CustomersClient(config).create_customer(name="Lid Nieuw", email="nieuw@example.org")
    link = links.create_payment_link("Contributie en nieuwe machtiging", amount=Amount.of("15.00", "EUR"),
                                     sequence_type="first", customer_id=customer.id, allowed_methods=["ideal"])
    assert (link.sequence_type, link.customer_id) == ("first", customer.id)
    emulator.control.trigger("payment-link.pay", link.id, consumerAccount="NL02ABNA0123456789")
    [payment] = list(links.iter_link_payments(link.id))
    [mandate] = MandatesClient(config).list_mandates(customer.id)
    assert payment.mandate_id == mandate.id and mandate.status.value == "valid"
    assert mandate.details["consumerAccount"] == "NL02ABNA0123456789"


def test_an_archived_link_cannot_be_paid_and_an_unpaid_one_can_be_deleted(links, emulator):
    link = links.create_payment_link("Contributie", amount=Amount.of("10.00", "EUR"))
    assert links.archive_payment_link(link.id).archived is True
    with pytest.raises(RuntimeError, match="archived"):
        emulator.control.trigger("payment-link.pay", link.id)
    links.delete_payment_link(link.id)
    with pytest.raises(NotFoundError):
        links.get_payment_link(link.id)


@pytest.mark.parametrize("body, field", [
    ({"amount": {"value": "10.00", "currency": "EUR"}}, "description"),
    ({"description": "x", "amount": {"value": "10", "currency": "EUR"}}, "amount.value"),
    ({"description": "x", "sequenceType": "first"}, "customerId"),
    ({"description": "x", "amount": {"value": "10.00", "currency": "EUR"},
      "minimumAmount": {"value": "5.00", "currency": "EUR"}}, "minimumAmount"),
    ({"description": "x", "allowedMethods": ["cash"]}, "allowedMethods"),
])
def test_a_link_mollie_would_refuse_is_a_422_naming_the_field(emulator, body, field):
    import requests

    resp = requests.post(emulator.base_url + "/payment-links", json=body,
                         headers={"Authorization": f"Bearer {emulator.api_key}"}, timeout=5)
    assert (resp.status_code, resp.json()["field"]) == (422, field)


def test_an_update_without_fields_is_refused(links):
    link = links.create_payment_link("Contributie", amount=Amount.of("10.00", "EUR"))
    with pytest.raises(ValidationError):
        links.update_payment_link(link.id)
