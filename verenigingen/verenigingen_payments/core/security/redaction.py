"""The one redaction path: every log record, error message, stored detail and metric label of this
app passes through `redact` before it leaves the process or reaches a table.

Masks Mollie API keys and tokens (`live_`, `test_`, `access_`, `refresh_` + the rest), registered
secrets (webhook secrets …), Authorization headers and bearer tokens, secrets in URL query strings,
IBANs (country + last 4), card numbers (Luhn-valid 13–19 digits with a card-network first digit),
and — unless personal data is needed — email addresses and known personal-data keys.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

REDACTED = "[REDACTED]"
_MAX_DEPTH = 40

SECRET_KEYS = frozenset({
    "authorization", "proxyauthorization", "apikey", "secretkey", "secret", "webhooksecret",
    "organizationaccesstoken", "accesstoken", "refreshtoken", "token", "password", "clientsecret",
    "cookie", "setcookie", "xapikey", "encryptionkey", "privatekey",
})
PERSONAL_KEYS = frozenset({
    "consumername", "cardholder", "givenname", "familyname", "fullname", "phone",
    "streetandnumber", "email", "consumeraccount",
})

_TOKEN = re.compile(r"(?<![A-Za-z0-9])(live|test|access|refresh)_[A-Za-z0-9]{12,}")
_AUTH_HEADER = re.compile(r"(?i)(authorization\s*[\"']?\s*[:=]\s*[\"']?)(?:(bearer|basic|token)\s+)?[^\s,;\"'}]+")
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")
_QUERY_SECRET = re.compile(
    r"(?i)([?&;](?:secret|token|api_?key|access_token|key|signature|password)=)[^&\s\"'#]+")
_IBAN = re.compile(
    r"(?i)(?<![A-Za-z0-9])([A-Z]{2}\d{2})"
    r"((?:[A-Z0-9]{11,30})|(?:\s[A-Z0-9]{4}){2,7}(?:\s[A-Z0-9]{1,4})?)(?![A-Za-z0-9])")
_CARD = re.compile(r"(?<![\d])(\d(?:[ -]?\d){12,40})(?![\d])")
_EMAIL = re.compile(r"(?i)(?<![A-Z0-9._%+-])[A-Z0-9._%+-]+@((?:[A-Z0-9-]+\.)+[A-Z]{2,})")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mask_iban_text(iban: str) -> str:
    compact = re.sub(r"\s", "", iban).upper()
    return f"{compact[:2]}****{compact[-4:]}"


def _mask_card(match: re.Match) -> str:
    """Mask the run if any 13–19 digit window in it is a Luhn-valid card number (a card followed
    by another digit must not escape)."""
    digits = re.sub(r"\D", "", match.group(1))
    for start, first in enumerate(digits):
        if first not in "23456":
            continue
        for length in range(min(19, len(digits) - start), 12, -1):
            window = digits[start:start + length]
            if luhn_valid(window):
                return f"[card ****{window[-4:]}]"
    return match.group(0)


def _normal_key(key: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(key).lower())


@dataclass(frozen=True)
class RedactionPolicy:
    """`keep_personal_data=True` leaves emails and personal keys for flows that need them
    (a GDPR export); secrets, IBANs and card numbers are masked regardless."""

    keep_personal_data: bool = False


class _SecretRegistry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, secret: str) -> None:
        if not secret or len(secret) < 6:
            return  # too short to mask without mangling ordinary text
        with self._lock:
            self._secrets.add(secret)
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def discard(self, secret: str) -> None:
        with self._lock:
            self._secrets.discard(secret)
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def scrub(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub(REDACTED, text) if pattern is not None else text


_registry = _SecretRegistry()


def register_secret(secret: str | None) -> None:
    """Mask this exact value wherever it appears from now on (webhook secrets, staged keys …)."""
    if secret:
        _registry.add(secret)


def unregister_secret(secret: str) -> None:
    _registry.discard(secret)


def redact_text(text: str, policy: RedactionPolicy = RedactionPolicy()) -> str:
    text = _registry.scrub(text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _TOKEN.sub(lambda m: f"{m.group(1)}_{REDACTED}", text)
    text = _IBAN.sub(lambda m: mask_iban_text(m.group(0)), text)
    text = _CARD.sub(_mask_card, text)
    if not policy.keep_personal_data:
        text = _EMAIL.sub(lambda m: f"***@{m.group(1)}", text)
    return text


def redact(value, policy: RedactionPolicy = RedactionPolicy(), _depth: int = 0):
    """Redact a string, bytes, exception, mapping or sequence (recursively), keeping its shape.

    Values under secret keys become "[REDACTED]" whole; numbers are checked as text (an int can be
    a card number) and returned unchanged when nothing in them is sensitive.
    """
    if _depth > _MAX_DEPTH:
        return "[TOO DEEP]"
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return redact_text(value, policy)
    if isinstance(value, (bytes, bytearray)):
        return redact_text(bytes(value).decode("utf-8", "replace"), policy)
    if isinstance(value, BaseException):
        return redact_exception(value, policy)
    if isinstance(value, Mapping):
        return {k: _redact_item(k, v, policy, _depth) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [redact(v, policy, _depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, int):
        text = str(value)
        masked = redact_text(text, policy)
        return value if masked == text else masked
    return value if isinstance(value, float) else redact_text(str(value), policy)


def _redact_item(key, value, policy: RedactionPolicy, depth: int):
    normal = _normal_key(key)
    if normal in SECRET_KEYS and value not in (None, "", b""):
        return REDACTED
    if normal in PERSONAL_KEYS and not policy.keep_personal_data and isinstance(value, str) and value:
        return REDACTED
    return redact(value, policy, depth + 1)


def redact_exception(exc: BaseException, policy: RedactionPolicy = RedactionPolicy()) -> str:
    """"ExceptionType: message" with the message redacted (for Error Log entries and responses)."""
    return f"{type(exc).__name__}: {redact_text(str(exc), policy)}"


def contains_secret_pattern(text: str) -> bool:
    """True if redaction would change `text` (used by checks that nothing sensitive slipped out)."""
    return redact_text(text) != text


def register_secrets(secrets: Iterable[str | None]) -> None:
    for secret in secrets:
        register_secret(secret)
