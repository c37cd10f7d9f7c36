"""AES-256-GCM envelopes and versioned key rings."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verenigingen.verenigingen_payments.core.security.encryption import (
    FieldCipher,
    FieldContext,
    is_envelope,
    load_encryption_keys,
    parse_envelope,
)
from verenigingen.verenigingen_payments.core.security.errors import (
    DecryptionError,
    EnvelopeFormatError,
    KeyConfigurationError,
    UnknownKeyVersionError,
)
from verenigingen.verenigingen_payments.core.security.keys import KeyRing, generate_key_spec

V1 = "v1:" + base64.b64encode(b"1" * 32).decode()
V2 = "v2:" + base64.b64encode(b"2" * 32).decode()
BODY = FieldContext("Mollie Webhook Log", "WHL-0001", "body")


def test_round_trip_with_a_fresh_nonce_per_value():
    cipher = FieldCipher(KeyRing.from_spec(V1))
    first, second = cipher.encrypt("id=tr_123", BODY), cipher.encrypt("id=tr_123", BODY)
    assert first != second and first.startswith("aesgcm1:v1:") and is_envelope(first)
    assert cipher.decrypt_text(first, BODY) == cipher.decrypt_text(second, BODY) == "id=tr_123"


def test_a_value_under_the_wrong_key_fails_authentication():
    value = FieldCipher(KeyRing.from_spec(V1)).encrypt("secret", BODY)
    wrong = "v1:" + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(DecryptionError, match="Mollie Webhook Log.body"):
        FieldCipher(KeyRing.from_spec(wrong)).decrypt(value, BODY)


def test_a_tampered_ciphertext_fails_authentication():
    cipher = FieldCipher(KeyRing.from_spec(V1))
    envelope = parse_envelope(cipher.encrypt("NL91ABNA0417164300", BODY))
    flipped = bytes([envelope.sealed[0] ^ 1]) + envelope.sealed[1:]
    tampered = type(envelope)(envelope.key_id, envelope.nonce, flipped).render()
    with pytest.raises(DecryptionError):
        cipher.decrypt(tampered, BODY)


@pytest.mark.parametrize("other", [
    FieldContext("Mollie Webhook Log", "WHL-0002", "body"),
    FieldContext("Mollie Webhook Log", "WHL-0001", "headers"),
    FieldContext("Dispute Evidence", "WHL-0001", "body"),
])
def test_a_value_moved_to_another_record_or_field_fails(other):
    cipher = FieldCipher(KeyRing.from_spec(V1))
    with pytest.raises(DecryptionError):
        cipher.decrypt(cipher.encrypt("x", BODY), other)


def test_values_written_under_an_older_version_stay_readable_and_reencrypt_to_the_newest():
    old_value = FieldCipher(KeyRing.from_spec(V1)).encrypt("evidence note", BODY)
    cipher = FieldCipher(KeyRing.from_spec(f"{V2},{V1}"))
    assert cipher.decrypt_text(old_value, BODY) == "evidence note"
    assert cipher.needs_reencryption(old_value)
    renewed = cipher.reencrypt(old_value, BODY)
    assert renewed.startswith("aesgcm1:v2:") and not cipher.needs_reencryption(renewed)
    assert cipher.reencrypt(renewed, BODY) == renewed
    assert FieldCipher(KeyRing.from_spec(V2)).decrypt_text(renewed, BODY) == "evidence note"


def test_a_retired_key_version_is_named_in_the_error():
    old_value = FieldCipher(KeyRing.from_spec(V1)).encrypt("x", BODY)
    with pytest.raises(UnknownKeyVersionError, match="'v1'.*have v2"):
        FieldCipher(KeyRing.from_spec(V2)).decrypt(old_value, BODY)


def test_explicit_current_version_wins_over_order():
    ring = KeyRing.from_spec(f"{V1},{V2}", current="v2")
    assert ring.current == "v2"
    assert FieldCipher(ring).encrypt("x", BODY).startswith("aesgcm1:v2:")


@pytest.mark.parametrize("spec, message", [
    ("", "no keys"),
    ("v1", "version:base64key"),
    ("v1:not base64!", "not valid base64"),
    ("v1:" + base64.b64encode(b"short").decode(), "5 bytes; 32"),
    (f"{V1},{V1}", "appears twice"),
    ("bad id!:" + base64.b64encode(b"1" * 32).decode(), "not 1-32"),
])
def test_malformed_key_specs_are_clear_errors(spec, message):
    with pytest.raises(KeyConfigurationError, match=message):
        KeyRing.from_spec(spec)


def test_keys_load_from_site_config_before_environment_and_never_show_in_repr():
    ring = load_encryption_keys({"verenigingen_encryption_keys": {"v9": base64.b64encode(b"9" * 32).decode()}},
                                {"VERENIGINGEN_ENCRYPTION_KEYS": V1})
    assert ring.current == "v9"
    env_ring = load_encryption_keys({}, {"VERENIGINGEN_ENCRYPTION_KEYS": f"{V1},{V2}",
                                         "VERENIGINGEN_ENCRYPTION_KEYS_CURRENT": "v2"})
    assert env_ring.current == "v2" and "MTEx" not in repr(env_ring)
    with pytest.raises(KeyConfigurationError, match="VERENIGINGEN_ENCRYPTION_KEYS"):
        load_encryption_keys({}, {})


def test_generated_specs_are_loadable():
    ring = KeyRing.from_spec(generate_key_spec("2025-01"))
    assert ring.current == "2025-01" and len(ring.current_key) == 32


@pytest.mark.parametrize("value", ["", "plain text", "aesgcm1:v1", "aesgcm1:v1:", "aesgcm1:v1:AAAA",
                                   "aesgcm1:v 1:" + "A" * 40, "aesgcm1:v1:" + "A" * 40 + "=="])
def test_malformed_envelopes_are_format_errors(value):
    with pytest.raises(EnvelopeFormatError):
        parse_envelope(value)


@given(st.text())
def test_envelope_parser_never_crashes_on_arbitrary_text(value):
    try:
        envelope = parse_envelope(value)
    except EnvelopeFormatError:
        return
    assert envelope.render() == value


@given(st.binary(max_size=2048), st.text(min_size=1, max_size=40), st.text(max_size=40))
def test_round_trip_holds_for_any_bytes_and_context(data, record_id, field):
    cipher = FieldCipher(KeyRing.from_spec(f"{V2},{V1}"))
    context = FieldContext("Any", record_id, field)
    envelope = cipher.encrypt(data, context)
    assert parse_envelope(envelope).render() == envelope
    assert cipher.decrypt(envelope, context) == data
