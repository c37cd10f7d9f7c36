"""The one typed exception tree of this app.

Callers catch by meaning (`RateLimitError`, `NotFoundError` …), never by HTTP code. Every error
carries what Mollie said (status, title, detail, field, documentation link) and never a secret:
messages pass through the redaction path before they are built.
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
        self.status = status
        self.title = title
        self.detail = detail
        self.field = field
        self.documentation_url = documentation_url
        self.request_id = request_id
        super().__init__(message or detail or title or self.__class__.__name__)

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class ConfigurationError(MollieError):
    """The account or app is not configured to do this (missing key, feature switched off)."""


class ResponseParseError(MollieError):
    """A value from Mollie could not be parsed; `field` names it. Never turned into zero or None."""
