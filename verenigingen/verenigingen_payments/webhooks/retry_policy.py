"""How long to wait before retrying a failed delivery, and when to give up.

An immutable value; the jitter's randomness is a parameter so tests can pin it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta


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
