"""Every class of the error tree from a real emulator response, carrying Mollie's fields, never the key."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from verenigingen.verenigingen_payments.clients import BalancesClient, PaymentsClient
from verenigingen.verenigingen_payments.core.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    CircuitOpenError,
    IdempotencyError,
    MollieError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseParseError,
    ServerError,
    ValidationError,
)
from verenigingen.verenigingen_payments.core.models import Amount


def no_secret(error: MollieError, *secrets: str) -> None:
    text = f"{error} {error!r} {error.detail} {error.title}"
    for secret in secrets:
        assert secret not in text


def test_wrong_key_is_authentication_error(config, emulator):
    wrong = "test_" + "x" * 30
    with pytest.raises(AuthenticationError) as info:
        PaymentsClient(replace(config, api_key=wrong)).get_payment("tr_whatever")
    assert info.value.status == 401 and info.value.title
    no_secret(info.value, wrong, emulator.api_key)


def test_api_key_on_an_organization_endpoint_is_permission_denied(config, emulator):
    with pytest.raises(PermissionDeniedError) as info:
        BalancesClient(replace(config, organization_token=None)).list_balances()
    assert info.value.status == 403 and "organization access token" in info.value.detail
    no_secret(info.value, emulator.api_key)


def test_unknown_payment_is_not_found_with_documentation_link(config):
    with pytest.raises(NotFoundError) as info:
        PaymentsClient(config).get_payment("tr_doesnotexist")
    assert info.value.status == 404
    assert info.value.documentation_url and info.value.documentation_url.startswith("http")
    assert "/v2/payments/{id}" in str(info.value)  # the template, not the id


def test_refused_input_is_validation_error_naming_the_field(config):
    with pytest.raises(ValidationError) as info:
        PaymentsClient(config).create_payment(Amount.of("-5.00", "EUR"), "Negative dues")
    assert info.value.status == 422 and info.value.field.startswith("amount")


def test_reused_idempotency_key_with_another_body_is_idempotency_error(config):
    """Mollie answers 400 on the Idempotency-Key field (409 is for a first request still running)."""
    key = str(uuid.uuid4())
    client = PaymentsClient(config)
    client.create_payment(
        Amount.of("5.00", "EUR"), "First", redirect_url="https://e.example/r", idempotency_key=key
    )
    with pytest.raises(IdempotencyError) as info:
        client.create_payment(
            Amount.of("6.00", "EUR"), "Second", redirect_url="https://e.example/r", idempotency_key=key
        )
    assert info.value.status == 400 and info.value.field == "Idempotency-Key"


@pytest.mark.parametrize(
    "status,error_class", [(429, RateLimitError), (500, ServerError), (503, ServerError)]
)
def test_injected_status_maps_to_its_class_once_retries_are_spent(config, emulator, status, error_class):
    emulator.control.inject_fault(method="GET", path="/v2/payments/*", status=status, retry_after=2, count=1)
    with pytest.raises(error_class) as info:
        PaymentsClient(replace(config, retry_max_attempts=1)).get_payment("tr_any")
    assert info.value.status == status and info.value.retry_after == 2.0


def test_slow_answer_is_timeout_error(config, emulator):
    emulator.control.inject_fault(method="GET", path="/v2/payments/*", delay=0.6, count=1)
    with pytest.raises(APITimeoutError):
        PaymentsClient(replace(config, retry_max_attempts=1, read_timeout=0.2)).get_payment("tr_any")


def test_dropped_connection_is_connection_error(config, emulator):
    emulator.control.inject_fault(method="GET", path="/v2/payments/*", drop=True, count=1)
    with pytest.raises(APIConnectionError) as info:
        PaymentsClient(replace(config, retry_max_attempts=1)).get_payment("tr_any")
    assert info.value.sent is True and not isinstance(info.value, APITimeoutError)


@pytest.mark.parametrize("malformed", ["invalid-json", "missing-field"])
def test_malformed_body_is_response_parse_error(config, emulator, malformed):
    payment_id = PaymentsClient(config).list_payments(max_items=1)[0].id
    emulator.control.inject_fault(
        method="GET", path=f"/v2/payments/{payment_id}", malformed=malformed, count=1
    )
    with pytest.raises(ResponseParseError):
        PaymentsClient(config).get_payment(payment_id)


def test_open_circuit_is_circuit_open_error_without_a_request(config, emulator):
    config = replace(
        config, retry_max_attempts=1, circuit_breaker_failure_threshold=2, account=f"cb-{uuid.uuid4()}"
    )
    emulator.control.inject_fault(method="GET", path="/v2/payments/*", status=502, count=2)
    client = PaymentsClient(config)
    for _ in range(2):
        with pytest.raises(ServerError):
            client.get_payment("tr_any")
    emulator.control.clear_request_log()
    with pytest.raises(CircuitOpenError) as info:
        client.get_payment("tr_any")
    assert info.value.retry_after and emulator.control.request_log() == []
