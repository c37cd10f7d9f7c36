"""PATCH and DELETE retried without an Idempotency-Key, as Mollie documents them (api-idempotency.rst:
keys "will thus always be ignored" on PATCH and DELETE, which are "repeatable by nature").

Each write the client retries is made to lose its first answer (the emulator processes the request,
then drops the connection); the retry is the same request without a key. A repeated PATCH sets the
same fields again; a repeated cancel or delete is answered 404 or 422 ("already canceled"), which
counts as the first one having worked.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import (
    CustomersClient,
    MandatesClient,
    PaymentsClient,
    RefundsClient,
    SubscriptionsClient,
    WebhooksClient,
)
from verenigingen.verenigingen_payments.core.errors import ValidationError
from verenigingen.verenigingen_payments.core.models import Amount

EUR = "EUR"


def _lose_first_answer(emulator, method: str, path: str) -> None:
    emulator.control.clear_request_log()
    emulator.control.inject_fault(method=method, path=path, drop=True, count=1)


def _attempts(emulator, method: str) -> list[dict]:
    return [r for r in emulator.control.request_log() if r["method"] == method]


def _assert_repeated_without_key(emulator, method: str, statuses: list) -> None:
    log = _attempts(emulator, method)
    assert [r["status"] for r in log] == statuses
    assert all("Idempotency-Key" not in r["headers"] for r in log)
    assert not any(r["replayed"] for r in log)


def _open_payment(payments: PaymentsClient):
    return payments.create_payment(Amount(Decimal("20.00"), EUR), "Contributie", redirect_url="https://example.org/r")


def test_post_still_carries_one_key_on_every_attempt(emulator, config, make_pipeline):
    _lose_first_answer(emulator, "POST", "/v2/payments")
    payment = PaymentsClient(config, pipeline=make_pipeline(config)).create_payment(
        Amount(Decimal("3.00"), EUR), "Eenmalig", redirect_url="https://example.org/r")
    posts = _attempts(emulator, "POST")
    keys = {r["headers"].get("Idempotency-Key") for r in posts}
    assert len(posts) == 2 and len(keys) == 1 and None not in keys
    assert [r["replayed"] for r in posts] == [False, True] and payment.id


def test_repeated_cancel_payment_answered_422_counts_as_canceled(emulator, config, make_pipeline):
    payment = _open_payment(PaymentsClient(config))
    _lose_first_answer(emulator, "DELETE", f"/v2/payments/{payment.id}")
    canceled = PaymentsClient(config, pipeline=make_pipeline(config)).cancel_payment(payment.id)
    assert str(canceled.status) == "canceled" and canceled.id == payment.id
    _assert_repeated_without_key(emulator, "DELETE", [200, 422])


def test_a_first_cancel_answered_422_is_still_an_error(config):
    payments = PaymentsClient(config)
    payment = _open_payment(payments)
    payments.cancel_payment(payment.id)
    with pytest.raises(ValidationError):
        payments.cancel_payment(payment.id)


def test_repeated_update_payment_sets_the_same_fields_again(emulator, config, make_pipeline):
    payment = _open_payment(PaymentsClient(config))
    _lose_first_answer(emulator, "PATCH", f"/v2/payments/{payment.id}")
    updated = PaymentsClient(config, pipeline=make_pipeline(config)).update_payment(payment.id, description="Mei")
    assert updated.description == "Mei"
    _assert_repeated_without_key(emulator, "PATCH", [200, 200])


def test_repeated_update_customer(emulator, config, make_pipeline):
    customer = CustomersClient(config).create_customer(name="A. Lid")
    _lose_first_answer(emulator, "PATCH", f"/v2/customers/{customer.id}")
    updated = CustomersClient(config, pipeline=make_pipeline(config)).update_customer(customer.id, name="B. Lid")
    assert updated.name == "B. Lid"
    _assert_repeated_without_key(emulator, "PATCH", [200, 200])


def test_repeated_delete_customer_answered_404_counts_as_deleted(emulator, config, make_pipeline):
    customer = CustomersClient(config).create_customer(name="Weg Lid")
    _lose_first_answer(emulator, "DELETE", f"/v2/customers/{customer.id}")
    assert CustomersClient(config, pipeline=make_pipeline(config)).delete_customer(customer.id) is None
    _assert_repeated_without_key(emulator, "DELETE", [204, 404])


def _customer_with_mandate(config):
    customer = CustomersClient(config).create_customer(name="Vast Lid")
    mandate = MandatesClient(config).create_mandate(customer.id, method="directdebit", consumer_name="Vast Lid",
                                                    consumer_account="NL91ABNA0417164300")
    return customer, mandate


def test_repeated_cancel_and_update_subscription(emulator, config, make_pipeline):
    customer, _ = _customer_with_mandate(config)
    subscription = SubscriptionsClient(config).create_subscription(
        customer.id, Amount(Decimal("10.00"), EUR), "1 month", "Contributie")
    retried = SubscriptionsClient(config, pipeline=make_pipeline(config))
    _lose_first_answer(emulator, "PATCH", f"/v2/customers/{customer.id}/subscriptions/{subscription.id}")
    assert retried.update_subscription(customer.id, subscription.id, description="Contributie 2026").description \
        == "Contributie 2026"
    _assert_repeated_without_key(emulator, "PATCH", [200, 200])
    _lose_first_answer(emulator, "DELETE", f"/v2/customers/{customer.id}/subscriptions/{subscription.id}")
    canceled = retried.cancel_subscription(customer.id, subscription.id)
    assert str(canceled.status) == "canceled"
    _assert_repeated_without_key(emulator, "DELETE", [200, 422])


def test_repeated_revoke_mandate(emulator, config, make_pipeline):
    customer, mandate = _customer_with_mandate(config)
    _lose_first_answer(emulator, "DELETE", f"/v2/customers/{customer.id}/mandates/{mandate.id}")
    assert MandatesClient(config, pipeline=make_pipeline(config)).revoke_mandate(customer.id, mandate.id) is None
    log = _attempts(emulator, "DELETE")
    assert len(log) == 2 and log[0]["status"] == 204 and log[1]["status"] in (204, 404, 422)
    assert all("Idempotency-Key" not in r["headers"] for r in log)


def test_repeated_cancel_refund_answered_422_counts_as_canceled(emulator, config, make_pipeline):
    payments = PaymentsClient(config)
    payment = payments.create_payment(Amount(Decimal("20.00"), EUR), "Contributie",
                                      redirect_url="https://example.org/r", method="ideal")
    emulator.control.trigger("payment.paid", payment.id)
    refund = RefundsClient(config).create_refund(payment.id, Amount(Decimal("5.00"), EUR))
    _lose_first_answer(emulator, "DELETE", f"/v2/payments/{payment.id}/refunds/{refund.id}")
    assert RefundsClient(config, pipeline=make_pipeline(config)).cancel_refund(payment.id, refund.id) is None
    assert str(RefundsClient(config).get_refund(payment.id, refund.id).status) == "canceled"
    assert payments.get_payment(payment.id).amount_refunded == Amount(Decimal("0.00"), EUR)
    _assert_repeated_without_key(emulator, "DELETE", [204, 422])


def test_repeated_update_and_delete_webhook(emulator, config, make_pipeline):
    hook = WebhooksClient(config).create_webhook(name="Leden", url="http://127.0.0.1:9/hook")
    retried = WebhooksClient(config, pipeline=make_pipeline(config))
    _lose_first_answer(emulator, "PATCH", f"/v2/webhooks/{hook.id}")
    assert retried.update_webhook(hook.id, name="Leden 2").raw["name"] == "Leden 2"
    _assert_repeated_without_key(emulator, "PATCH", [200, 200])
    _lose_first_answer(emulator, "DELETE", f"/v2/webhooks/{hook.id}")
    assert retried.delete_webhook(hook.id) is None
    log = _attempts(emulator, "DELETE")
    assert log[0]["status"] == 204 and log[1]["status"] in (404, 422)
