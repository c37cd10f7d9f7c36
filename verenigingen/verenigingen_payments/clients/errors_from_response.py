"""Turn one Mollie error response into the matching exception of the typed tree.

The message is built from Mollie's own body and the endpoint template, never from the request's
headers or URL values, so the API key and ids in the path cannot leak into it.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.errors import (
    APIError,
    AuthenticationError,
    GoneError,
    IdempotencyError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from ..core.resilience.retry_policy import retry_after_from_headers

_BY_STATUS: dict[int, type[APIError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    405: ValidationError,
    409: IdempotencyError,
    410: GoneError,
    415: ValidationError,
    422: ValidationError,
    429: RateLimitError,
}


def error_class(status: int, field: str | None = None) -> type[APIError]:
    """By status; a 400 about the Idempotency-Key header is Mollie's "key reused for another request"."""
    if status >= 500:
        return ServerError
    if status == 400 and field and field.lower() == "idempotency-key":
        return IdempotencyError
    return _BY_STATUS.get(status, APIError)


def error_from_response(status: int, headers, content: bytes, method: str, endpoint: str) -> APIError:
    body: dict[str, Any] = {}
    try:
        parsed = json.loads(content) if content else {}
        if isinstance(parsed, dict):
            body = parsed
    except ValueError:
        body = {}
    title = body.get("title") if isinstance(body.get("title"), str) else None
    detail = body.get("detail") if isinstance(body.get("detail"), str) else None
    field = body.get("field") if isinstance(body.get("field"), str) else None
    doc = (
        ((body.get("_links") or {}).get("documentation") or {})
        if isinstance(body.get("_links"), dict)
        else {}
    )
    documentation_url = doc.get("href") if isinstance(doc, dict) else None
    summary = detail or title or "no error details in the response"
    where = f" (field {field})" if field else ""
    return error_class(status, field)(
        f"Mollie {status} on {method} {endpoint}: {summary}{where}",
        status=status,
        title=title,
        detail=detail,
        field=field,
        documentation_url=documentation_url,
        request_id=headers.get("X-Request-Id") or headers.get("Request-Id"),
        retry_after=retry_after_from_headers(headers),
    )
