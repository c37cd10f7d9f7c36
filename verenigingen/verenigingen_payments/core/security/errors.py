"""Security errors, part of the app's one exception tree (`core.errors`). None carries a secret."""

from __future__ import annotations

from ..errors import ConfigurationError, MollieError


class KeyConfigurationError(ConfigurationError):
    """A key ring could not be built: missing, malformed or wrong-length key material."""


class EnvelopeFormatError(MollieError):
    """A value is not a ciphertext envelope this app wrote (wrong prefix, bad base64, too short)."""


class UnknownKeyVersionError(MollieError):
    """The envelope names a key version the key ring does not hold (a retired or missing key)."""


class DecryptionError(MollieError):
    """Authentication failed: wrong key, tampered ciphertext, or a different record/field."""


class AuditChainError(MollieError):
    """The audit log could not be written or its key is missing."""


class RotationError(MollieError):
    """A key rotation step could not be carried out; nothing was switched."""
