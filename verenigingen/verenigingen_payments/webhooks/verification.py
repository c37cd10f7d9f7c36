"""Authenticating deliveries: the classic URL secret and the next-gen body signature.

Classic webhooks are unsigned, so the webhook URL carries `?secret=…`; it is compared in constant
time with every currently valid secret of every account (several during a rotation), and the
comparison does not stop at the first match, so timing reveals neither which nor how many.
Next-gen events carry `X-Mollie-Signature: sha256=<hex HMAC-SHA256 of the raw body>`; the raw bytes
are checked against every valid signing secret before anything parses them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..core.input_limits import MAX_CLOCK_SKEW, outside_window
from .rejections import SignatureVerificationError, WebhookRejected

SIGNATURE_HEADER = "X-Mollie-Signature"
SIGNATURE_SCHEME = "sha256"


@dataclass(frozen=True)
class WebhookSecrets:
    """Currently valid secrets per Mollie Settings account (the old and the new one during rotation)."""

    classic: Mapping[str, Sequence[str]] = field(default_factory=dict)
    signing: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def __repr__(self) -> str:  # never print a secret
        return f"WebhookSecrets(classic={sorted(self.classic)}, signing={sorted(self.signing)})"


def _matching_account(candidate: bytes, secrets: Mapping[str, Sequence[str]], digest=None) -> str | None:
    """Compare against every secret (no early exit); the account of the (first) match, or None."""
    matched: str | None = None
    for account, values in secrets.items():
        for secret in values:
            expected = secret.encode() if digest is None else digest(secret.encode())
            if hmac.compare_digest(expected, candidate) and matched is None:
                matched = account
    return matched


def verify_classic_secret(provided: str | None, secrets: WebhookSecrets) -> str:
    """The account whose webhook secret equals `provided`; a rejection otherwise."""
    if not provided:
        raise SignatureVerificationError("missing_secret", "the webhook URL carries no secret")
    account = _matching_account(provided.encode(), secrets.classic)
    if account is None:
        raise SignatureVerificationError("invalid_secret", "the webhook secret is not valid")
    return account


def compute_signature(raw_body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def signature_header(raw_body: bytes, secret: str) -> str:
    """The header value Mollie would send for this body (for tests, the emulator and benchmarks)."""
    return f"{SIGNATURE_SCHEME}={compute_signature(raw_body, secret)}"


def _signatures_in(header: str) -> list[str]:
    pairs = [part.strip().split("=", 1) for part in header.split(",") if part.strip()]
    if not pairs or any(len(pair) != 2 or not pair[1] for pair in pairs):
        raise SignatureVerificationError(
            "malformed_signature_header", f"{SIGNATURE_HEADER} is not '<scheme>=<hex>'"
        )
    signatures = [value for scheme, value in pairs if scheme.lower() == SIGNATURE_SCHEME]
    if not signatures:
        raise SignatureVerificationError(
            "unsupported_signature_scheme", f"{SIGNATURE_HEADER} has no {SIGNATURE_SCHEME} signature"
        )
    return signatures


def verify_signature(raw_body: bytes, header: str | None, secrets: WebhookSecrets) -> str:
    """The account whose signing secret produced `header` over `raw_body`; a rejection otherwise."""
    if not header:
        raise SignatureVerificationError("missing_signature", f"the request has no {SIGNATURE_HEADER}")
    candidates = [s.lower().encode() for s in _signatures_in(header)]
    account = None
    for candidate in candidates:
        found = _matching_account(
            candidate,
            secrets.signing,
            digest=lambda secret: hmac.new(secret, raw_body, hashlib.sha256).hexdigest().encode(),
        )
        account = account or found
    if account is None:
        raise SignatureVerificationError("invalid_signature", "no valid signing secret produced this signature")
    return account


def check_event_age(
    created_at: datetime,
    *,
    now: datetime,
    max_age: timedelta,
    max_skew: timedelta = MAX_CLOCK_SKEW,
    operator_replay: bool = False,
) -> None:
    """Refuse events older than `max_age` (a captured, replayed request) or more than `max_skew` ahead
    of `now` (a forged date would otherwise stay inside the window forever), unless an operator replays it."""
    if operator_replay:
        return
    side = outside_window(created_at, now, max_age, max_skew)
    if side == "too_old":
        raise WebhookRejected(
            "event_too_old", f"the event was created {created_at.isoformat()}, outside the {max_age} window"
        )
    if side == "in_future":
        raise WebhookRejected(
            "event_in_future", f"the event was created {created_at.isoformat()}, more than {max_skew} ahead"
        )
