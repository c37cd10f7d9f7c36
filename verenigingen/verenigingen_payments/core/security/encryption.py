"""AES-256-GCM envelopes for sensitive values this app stores (webhook bodies, IBANs, evidence …).

Envelope text: ``aesgcm1:<key version>:<base64url(nonce ‖ ciphertext ‖ tag)>``. Each value gets a
random 96-bit nonce; the associated data binds it to (record type, record id, field) and to the key
version, so a ciphertext copied to another record or field, or relabelled, fails to decrypt.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import DecryptionError, EnvelopeFormatError, KeyConfigurationError, UnknownKeyVersionError
from .keys import KEY_ID_PATTERN, KeyRing

ENVELOPE_SCHEME = "aesgcm1"
NONCE_BYTES = 12
TAG_BYTES = 16
ENCRYPTION_KEYS_ENV = "VERENIGINGEN_ENCRYPTION_KEYS"
ENCRYPTION_KEYS_SITE_CONFIG = "verenigingen_encryption_keys"


@dataclass(frozen=True)
class FieldContext:
    """Which record and field a value belongs to; it becomes the associated data."""

    record_type: str
    record_id: str
    field: str

    def associated_data(self, key_id: str) -> bytes:
        bound = [ENVELOPE_SCHEME, key_id, self.record_type, self.record_id, self.field]
        return json.dumps(bound, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Envelope:
    key_id: str
    nonce: bytes
    sealed: bytes  # ciphertext followed by the 16-byte tag

    def render(self) -> str:
        body = base64.urlsafe_b64encode(self.nonce + self.sealed).rstrip(b"=").decode("ascii")
        return f"{ENVELOPE_SCHEME}:{self.key_id}:{body}"


def is_envelope(value: object) -> bool:
    return isinstance(value, str) and value.startswith(ENVELOPE_SCHEME + ":")


def parse_envelope(value: str) -> Envelope:
    """Split an envelope into its parts, or raise EnvelopeFormatError saying what is wrong."""
    if not isinstance(value, str):
        raise EnvelopeFormatError(f"an envelope is text, not {type(value).__name__}")
    scheme, sep1, rest = value.partition(":")
    key_id, sep2, body = rest.partition(":")
    if scheme != ENVELOPE_SCHEME or not sep1 or not sep2:
        raise EnvelopeFormatError(f"not an {ENVELOPE_SCHEME} envelope")
    if not KEY_ID_PATTERN.fullmatch(key_id):
        raise EnvelopeFormatError("the envelope's key version is malformed")
    if not body or not body.isascii() or "=" in body:
        raise EnvelopeFormatError("the envelope's payload is not unpadded base64url")
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise EnvelopeFormatError("the envelope's payload is not unpadded base64url") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise EnvelopeFormatError("the envelope's payload is too short to hold a nonce and a tag")
    envelope = Envelope(key_id, raw[:NONCE_BYTES], raw[NONCE_BYTES:])
    if envelope.render() != value:
        raise EnvelopeFormatError("the envelope's payload is not canonical base64url")
    return envelope


class FieldCipher:
    """Encrypts and decrypts field values under a key ring; writes with the current version."""

    def __init__(self, ring: KeyRing, *, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self._ring = ring
        self._random_bytes = random_bytes

    @property
    def current_version(self) -> str:
        return self._ring.current

    def encrypt(self, plaintext: str | bytes, context: FieldContext) -> str:
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else bytes(plaintext)
        key_id = self._ring.current
        nonce = self._random_bytes(NONCE_BYTES)
        sealed = AESGCM(self._ring.current_key).encrypt(nonce, data, context.associated_data(key_id))
        return Envelope(key_id, nonce, sealed).render()

    def decrypt(self, value: str, context: FieldContext) -> bytes:
        envelope = parse_envelope(value)
        key = self._ring.keys.get(envelope.key_id)
        if key is None:
            raise UnknownKeyVersionError(
                f"{context.record_type}.{context.field}: key version {envelope.key_id!r} is not "
                f"configured (have {', '.join(self._ring.versions)})", field=context.field)
        try:
            return AESGCM(key).decrypt(envelope.nonce, envelope.sealed,
                                       context.associated_data(envelope.key_id))
        except InvalidTag:
            raise DecryptionError(
                f"{context.record_type}.{context.field} of {context.record_id!r} failed "
                "authentication (wrong key, altered value, or a value from another record/field)",
                field=context.field) from None

    def decrypt_text(self, value: str, context: FieldContext) -> str:
        return self.decrypt(value, context).decode("utf-8")

    def needs_reencryption(self, value: str) -> bool:
        return parse_envelope(value).key_id != self._ring.current

    def reencrypt(self, value: str, context: FieldContext) -> str:
        """The same plaintext under the current key version (unchanged if already current)."""
        if not self.needs_reencryption(value):
            return value
        return self.encrypt(self.decrypt(value, context), context)


def load_encryption_keys(site_config: Mapping[str, object] | None = None,
                         environ: Mapping[str, str] | None = None) -> KeyRing:
    """The encryption key ring from site config if it has one, else from the environment."""
    if site_config and site_config.get(ENCRYPTION_KEYS_SITE_CONFIG):
        return KeyRing.from_mapping(site_config, ENCRYPTION_KEYS_SITE_CONFIG)
    try:
        return KeyRing.from_environment(ENCRYPTION_KEYS_ENV, environ)
    except KeyConfigurationError as exc:
        raise KeyConfigurationError(
            f"no encryption keys: set {ENCRYPTION_KEYS_SITE_CONFIG} in site config or "
            f"{ENCRYPTION_KEYS_ENV} in the environment ({exc})") from None
