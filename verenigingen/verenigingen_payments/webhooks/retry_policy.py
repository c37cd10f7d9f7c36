"""How long to wait before retrying a failed delivery, and when to give up.

An immutable value; the jitter's randomness is a parameter so tests can pin it.

Two kinds of failure are told apart. A failure of the delivery (Mollie answered 5xx for it, a handler
raised) counts as an attempt and, after `max_attempts`, is given up. Mollie being out of reach for the
account as a whole (its 429, no connection, the circuit breaker open) says nothing about the delivery:
it pauses the work for `pause_for` and is never counted, so an outage of any length gives up nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from ..core.errors import APIConnectionError, CircuitOpenError, RateLimitError


@dataclass(frozen=True)
class RetryPolicy:
    base_delay: timedelta = timedelta(minutes=1)
    factor: float = 2.0
    max_delay: timedelta = timedelta(hours=2)
    max_attempts: int = 8
    jitter: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def should_retry(self, attempts: int) -> bool:
        """After `attempts` tries (the failed one included), is another one allowed?"""
        return attempts < self.max_attempts

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff with up to 10% added jitter, capped at `max_delay`."""
        raw = self.base_delay * (self.factor ** max(attempts - 1, 0))
        capped = min(raw, self.max_delay)
        return capped * (1 + 0.1 * self.jitter())

    def pause_for(self, exc: BaseException) -> timedelta | None:
        """How long to leave Mollie alone after `exc`, or None when `exc` is a failure of the delivery.

        Mollie's `Retry-After` (a 429, or the breaker's time left) is honoured, and never shorter
        than a second; without one the pause is `base_delay`.
        """
        if not isinstance(exc, (RateLimitError, APIConnectionError, CircuitOpenError)):
            return None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is None:
            return self.base_delay
        return min(max(timedelta(seconds=float(retry_after)), timedelta(seconds=1)), self.max_delay)
