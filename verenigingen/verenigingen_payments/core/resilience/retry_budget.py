"""A per-process retry budget, so a dead API does not see every call multiplied by max_attempts.

Within each window, retries may total `min_retries` plus `ratio` of the first attempts seen. Past
that, a failed attempt is returned to the caller at once (the breaker will usually open soon).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RetryBudget:
    def __init__(
        self,
        ratio: float = 0.2,
        min_retries: int = 10,
        window_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ratio = ratio
        self.min_retries = min_retries
        self.window_seconds = window_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._window_start = clock()
        self._requests = 0
        self._retries = 0

    def _roll(self) -> None:
        now = self._clock()
        if now - self._window_start >= self.window_seconds:
            self._window_start = now
            self._requests = 0
            self._retries = 0

    def record_request(self) -> None:
        with self._lock:
            self._roll()
            self._requests += 1

    def try_spend(self) -> bool:
        """Take one retry from the budget; False when the budget for this window is used up."""
        with self._lock:
            self._roll()
            if self._retries >= self.min_retries + self.ratio * self._requests:
                return False
            self._retries += 1
            return True
