"""When to retry a Mollie call and how long to wait: an immutable value with two small methods.

Modelled on stripe-python's `_should_retry` / `_sleep_time_seconds` and urllib3's `Retry`: a
connection refused before sending is always safe to retry; anything that may have reached Mollie
is retried only for reads or for writes carrying an Idempotency-Key (Mollie replays the first
answer for the same key). 429 means "not processed", so it is retried for every method.
Randomness comes in as an argument so tests pin the jitter.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..errors import (
    APIConnectionError,
    APITimeoutError,
    IdempotencyError,
    MollieError,
    RateLimitError,
    ServerError,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now())


def retry_after_from_headers(
    headers: Mapping[str, str], now: Callable[[], float] = time.time
) -> float | None:
    return parse_retry_after(headers.get("Retry-After"), now)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 8.0
    retry_after_cap: float = 30.0
    retry_after_statuses: frozenset[int] = field(default=frozenset({429, 503}))

    def retry_reason(self, method: str, error: BaseException, idempotent_write: bool) -> str | None:
        """Why this failed attempt may be retried ("429", "5xx", "409", "timeout", "connection"), or None."""
        replay_safe = method.upper() in SAFE_METHODS or idempotent_write
        if isinstance(error, RateLimitError):
            return "429" if error.status == 429 else None
        if isinstance(error, ServerError):
            return "5xx" if replay_safe else None
        if isinstance(error, IdempotencyError) and error.status == 409:
            return "409" if idempotent_write else None  # the first request with this key is still running
        if isinstance(error, APITimeoutError):
            return "timeout" if replay_safe or not error.sent else None
        if isinstance(error, APIConnectionError):
            return "connection" if replay_safe or not error.sent else None
        return None

    def sleep_seconds(
        self, attempt: int, error: MollieError | BaseException, rand: Callable[[], float]
    ) -> float:
        """Full-jitter exponential backoff, capped; at least what Retry-After asks (capped too).

        `attempt` is the number of the attempt that just failed (1 for the first).
        """
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (attempt - 1)))
        backoff = rand() * ceiling
        retry_after = getattr(error, "retry_after", None)
        status = getattr(error, "status", None)
        if retry_after is not None and status in self.retry_after_statuses:
            return max(backoff, min(float(retry_after), self.retry_after_cap))
        return backoff
