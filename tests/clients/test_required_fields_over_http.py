"""A payment from Mollie without a field the spec requires is refused over HTTP, naming the field:
`get_payment` refuses it at once, a listed payment when the field is read (never a silent None)."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.clients import PaymentsClient
from verenigingen.verenigingen_payments.core.errors import ResponseParseError
from verenigingen.verenigingen_payments.core.models import Amount

from .canned_api import CannedApi

PAYMENT = {"resource": "payment", "id": "tr_1", "mode": "test", "status": "paid", "description": "Dues",
           "amount": {"value": "10.00", "currency": "EUR"}, "createdAt": "2025-01-01T10:00:00+00:00",
           "profileId": "pfl_1", "sequenceType": "oneoff", "_links": {}}
REQUIRED = {"amount": "amount", "status": "status", "createdAt": "created_at", "mode": "mode",
            "description": "description", "profileId": "profile_id", "sequenceType": "sequence_type",
            "resource": "resource"}


@pytest.fixture
def canned():
    api = CannedApi()
    yield api
    api.close()


@pytest.mark.parametrize("key", sorted(REQUIRED))
def test_a_payment_without_a_required_field_is_refused_naming_it(canned, redis_url, redis_prefix, key):
    incomplete = {k: v for k, v in PAYMENT.items() if k != key}
    canned.serve("/v2/payments/tr_1", lambda base: incomplete)
    canned.serve("/v2/payments?limit=250",
                 lambda base: {"count": 1, "_embedded": {"payments": [incomplete]}, "_links": {"next": None}})
    client = PaymentsClient(canned.config(redis_url, redis_prefix))
    with pytest.raises(ResponseParseError) as info:
        client.get_payment("tr_1")
    assert info.value.field == key and key in str(info.value)
    listed = next(client.iter_payments())
    with pytest.raises(ResponseParseError) as info:
        getattr(listed, REQUIRED[key])
    assert info.value.field == key


def test_the_complete_payment_reads(canned, redis_url, redis_prefix):
    canned.serve("/v2/payments/tr_1", lambda base: PAYMENT)
    payment = PaymentsClient(canned.config(redis_url, redis_prefix)).get_payment("tr_1")
    assert payment.amount == Amount.of("10.00", "EUR") and payment.created_at.tzinfo is not None
