"""The one typed exception tree of this app.

Callers catch by meaning (`RateLimitError`, `NotFoundError` …), never by HTTP code. Every error
carries what Mollie said (status, title, detail, field, documentation link) and never a secret:
no constructor here accepts a key, and the transport builds messages from Mollie's body and the
endpoint template only.

    MollieError
    ├── ConfigurationError          account disabled / missing key (raised before any I/O)
    ├── InvalidInput                a value given at a door is outside core.input_limits (before any I/O)
    ├── ResponseParseError          a value from Mollie could not be parsed (`field` names it)
    ├── APIError                    Mollie answered with an error status
    │   ├── AuthenticationError     401
    │   ├── PermissionDeniedError   403
    │   ├── NotFoundError           404, 410 (GoneError)
    │   ├── ValidationError         400, 405, 415, 422 (`field` names the input)
    │   ├── IdempotencyError        409 (same key still in progress), 400 on the Idempotency-Key
    │   ├── RateLimitError          429 (also: the local limiter could not admit in time)
    │   └── ServerError             5xx
    ├── APIConnectionError          no answer: refused, reset, dropped (alias ConnectionError)
    │   └── APITimeoutError         connect or read timeout (alias TimeoutError)
    └── CircuitOpenError            the shared circuit breaker refused the call without I/O
"""

from __future__ import annotations


class MollieError(Exception):
    """Base of every error this app raises about Mollie or its data."""

    def __init__(
        self,
        message: str = "",
        *,
        status: int | None = None,
        title: str | None = None,
        detail: str | None = None,
        field: str | None = None,
        documentation_url: str | None = None,
        request_id: str | None = None,
    ) -> None:
        from .security.redaction import redact_text  # the one redaction path; lazy: security imports errors

        self.status = status
        self.title = redact_text(title) if title else title
        self.detail = redact_text(detail) if detail else detail
        self.field = field
        self.documentation_url = documentation_url
        self.request_id = request_id
        super().__init__(redact_text(message or detail or title or self.__class__.__name__))

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(status={self.status!r}, field={self.field!r}, message={self.message!r})"


class ConfigurationError(MollieError):
    """The account or app is not configured to do this (missing key, feature switched off)."""


class InvalidInput(MollieError):
    """A value given to the app (an argument, an id, a day) is outside its declared limits; `field` names it."""


class ResponseParseError(MollieError):
    """A value from Mollie could not be parsed; `field` names it. Never turned into zero or None."""


class APIError(MollieError):
    """Mollie answered with an error status; `status`, `title`, `detail`, `field` are Mollie's."""

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kwargs) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


class AuthenticationError(APIError):
    """401: the API key or token is missing, wrong or revoked."""


class PermissionDeniedError(APIError):
    """403: the credentials are valid but may not reach this resource."""


class NotFoundError(APIError):
    """404: the object does not exist (for this key's mode and organization)."""


class GoneError(NotFoundError):
    """410: the object existed and was deleted."""


class ValidationError(APIError):
    """400/405/415/422: Mollie refused the request; `field` names the offending input if Mollie did."""


class IdempotencyError(APIError):
    """The Idempotency-Key was reused for another request (400) or its first request is still running (409)."""


class RateLimitError(APIError):
    """429 from Mollie, or the local shared limiter could not admit the call within its bound."""


class ServerError(APIError):
    """5xx: Mollie failed; retried for safe requests, counted by the circuit breaker."""


class APIConnectionError(MollieError):
    """No HTTP answer: connection refused, reset or dropped. `sent` says whether the request left."""

    def __init__(self, message: str = "", *, sent: bool = True, **kwargs) -> None:
        self.sent = sent
        super().__init__(message, **kwargs)


class APITimeoutError(APIConnectionError):
    """The connect or read timeout elapsed."""


class CircuitOpenError(MollieError):
    """The circuit breaker for this API host and account is open; no request was sent."""

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kwargs) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)


# The issue names these two; the API* names avoid shadowing Python's builtins on `import *`.
ConnectionError = APIConnectionError
TimeoutError = APITimeoutError

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "CircuitOpenError",
    "ConfigurationError",
    "GoneError",
    "IdempotencyError",
    "InvalidInput",
    "MollieError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseParseError",
    "ServerError",
    "ValidationError",
]
