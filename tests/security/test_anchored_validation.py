"""Validators match the whole value: `$` also matches before a final newline, so `re.match(r"^…$")`
let "tr_abc\n" through. Each validator of untrusted or stored input refuses a trailing newline,
and those with `\\d` refuse non-ASCII digits (Python's `\\d` matches "١" too)."""

from __future__ import annotations

import pytest

from verenigingen.verenigingen_payments.core.errors import ResponseParseError
from verenigingen.verenigingen_payments.core.models.fields import parse_date, parse_datetime
from verenigingen.verenigingen_payments.core.models.money import Amount, parse_decimal
from verenigingen.verenigingen_payments.core.security.encryption import parse_envelope
from verenigingen.verenigingen_payments.core.security.errors import EnvelopeFormatError, KeyConfigurationError
from verenigingen.verenigingen_payments.core.security.keys import KeyRing, generate_key_spec
from verenigingen.verenigingen_payments.webhooks.rejections import WebhookRejected
from verenigingen.verenigingen_payments.webhooks.resource_ids import resource_type_of

ENVELOPE_PAYLOAD = "A" * 40


@pytest.mark.parametrize("resource_id", ["tr_abc123\n", "tr_abc123\r\n", "tr_abc\n123", "\ntr_abc123"])
def test_a_webhook_id_with_a_newline_is_malformed(resource_id):
    with pytest.raises(WebhookRejected) as rejected:
        resource_type_of(resource_id)
    assert rejected.value.reason == "malformed_id"


def test_a_well_formed_webhook_id_still_names_its_resource():
    assert resource_type_of("tr_abc123") == "payment"


@pytest.mark.parametrize("raw", ["10.00\n", "١٠.٠٠", "10.00\r\n"])
def test_a_decimal_with_a_newline_or_foreign_digits_is_a_parse_error(raw):
    with pytest.raises(ResponseParseError):
        parse_decimal(raw, "amount.value")


def test_a_currency_with_a_newline_is_refused():
    with pytest.raises(ResponseParseError):
        Amount.parse({"value": "10.00", "currency": "EUR\n"})
    with pytest.raises(ValueError):
        Amount.of("10.00", "EUR\n")


@pytest.mark.parametrize("raw", ["2024-02-12T11:58:35+00:00\n", "٢٠٢٤-02-12T11:58:35+00:00"])
def test_a_timestamp_with_a_newline_or_foreign_digits_is_a_parse_error(raw):
    with pytest.raises(ResponseParseError):
        parse_datetime(raw, "createdAt")


@pytest.mark.parametrize("raw", ["2024-02-12\n", "٢٠٢٤-02-12"])
def test_a_date_with_a_newline_or_foreign_digits_is_a_parse_error(raw):
    with pytest.raises(ResponseParseError):
        parse_date(raw, "settlementDate")


def test_a_key_version_with_a_newline_is_refused_everywhere():
    with pytest.raises(KeyConfigurationError):
        KeyRing({"k1\n": b"k" * 32}, "k1\n")
    with pytest.raises(KeyConfigurationError):
        generate_key_spec("k1\n")
    with pytest.raises(EnvelopeFormatError, match="key version"):
        parse_envelope(f"aesgcm1:k1\n:{ENVELOPE_PAYLOAD}")
