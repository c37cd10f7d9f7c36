"""Why a webhook delivery was refused, and with which HTTP status.

Each reason is a stable code (stored in the log row's `rejection_reason`) with one status; the
message is safe to return to the caller and to log: it never contains a secret or the body.
"""

from __future__ import annotations

from ..core.errors import MollieError

REJECTION_STATUS: dict[str, int] = {
    "method_not_allowed": 405,
    "unsupported_media_type": 415,
    "payload_too_large": 413,
    "missing_secret": 401,
    "invalid_secret": 403,
    "missing_signature": 401,
    "malformed_signature_header": 400,
    "unsupported_signature_scheme": 400,
    "invalid_signature": 403,
    "missing_id": 400,
    "malformed_id": 400,
    "unknown_prefix": 422,
    "malformed_json": 400,
    "invalid_event": 422,
    "event_too_old": 422,
    "event_in_future": 422,
    "rate_limited": 429,
}


class WebhookRejected(MollieError):
    """A delivery that is answered with a 4xx and never processed."""

    def __init__(self, reason: str, message: str) -> None:
        if reason not in REJECTION_STATUS:
            raise ValueError(f"unknown rejection reason {reason!r}")
        self.reason = reason
        super().__init__(message, status=REJECTION_STATUS[reason], title=reason)

    @property
    def http_status(self) -> int:
        return REJECTION_STATUS[self.reason]


class SignatureVerificationError(WebhookRejected):
    """The secret or signature of a delivery did not check out (or was missing)."""
