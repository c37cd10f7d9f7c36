"""`CallGuard`: the circuit breaker and rate limiter of one (account, API host), Redis first.

While Redis answers, state is shared by all processes. When it does not, the guard says so once in
the log, falls back to per-process state, re-tries Redis every `redis_recheck_seconds`, and says
once that it is back. Redis is given short socket timeouts so an outage costs milliseconds.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import CircuitOpenError, RateLimitError
from .events import BreakerStateChanged, ListenerRegistry
from .events import listeners as default_listeners
from .guard_state import CLOSED, Decision, GuardSettings, LocalGuardState, RedisGuardState

logger = logging.getLogger(__name__)

REDIS_SOCKET_TIMEOUT = 0.5
_clients: dict[tuple[int, str], object] = {}
_clients_lock = threading.Lock()


def redis_client(url: str):
    """One Redis client (with its pool) per process and URL."""
    import redis

    key = (os.getpid(), url)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = redis.Redis.from_url(
                url, socket_timeout=REDIS_SOCKET_TIMEOUT, socket_connect_timeout=REDIS_SOCKET_TIMEOUT
            )
            _clients[key] = client
        return client


def redis_location(url: str) -> str:
    """host:port/db of a Redis URL, without any password, for log lines."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or ''}"


@dataclass(frozen=True, slots=True)
class Admission:
    state: str
    failures: int
    wait_seconds: float

    @property
    def clean(self) -> bool:
        """A success changes nothing in the breaker: closed with no failures counted."""
        return self.state == CLOSED and self.failures == 0


class CallGuard:
    def __init__(
        self,
        account: str,
        host: str,
        redis_url: str | None,
        key_prefix: str = "verenigingen:",
        *,
        registry: ListenerRegistry | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        redis_recheck_seconds: float = 5.0,
    ) -> None:
        self.account = account
        self.host = host
        self.redis_url = redis_url
        self._registry = registry or default_listeners
        self._clock = clock
        self._recheck = redis_recheck_seconds
        self._local = LocalGuardState(clock)
        self._redis_down_until = 0.0
        self._redis_down = False
        self._shared: RedisGuardState | None = None
        if redis_url:
            base = f"{key_prefix}mollie:{account}"
            self._shared = RedisGuardState(
                redis_client(redis_url),
                breaker_key=f"{base}:breaker:{host}",
                bucket_key=f"{base}:ratelimit",
                clock=wall_clock,
            )

    @property
    def shared(self) -> bool:
        """True while decisions are shared through Redis."""
        return self._shared is not None and not self._redis_down

    def _run(self, op: str, settings: GuardSettings):
        if self._shared is not None and self._clock() >= self._redis_down_until:
            import redis

            try:
                result = getattr(self._shared, op)(settings)
            except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
                self._redis_down_until = self._clock() + self._recheck
                if not self._redis_down:
                    self._redis_down = True
                    logger.warning(
                        "Redis at %s unreachable (%s); Mollie breaker and rate limiter for %r are "
                        "per-process until it returns",
                        redis_location(self.redis_url),
                        type(exc).__name__,
                        self.account,
                    )
            else:
                if self._redis_down:
                    self._redis_down = False
                    logger.warning(
                        "Redis at %s is back; Mollie breaker and rate limiter for %r are shared again",
                        redis_location(self.redis_url),
                        self.account,
                    )
                return result
        return getattr(self._local, op)(settings)

    def admit(self, settings: GuardSettings) -> Admission:
        """Decide one attempt; raise CircuitOpenError / RateLimitError when it may not go out."""
        decision: Decision = self._run("admit", settings)
        if decision.previous_state != decision.state:
            self._state_changed(decision.previous_state, decision.state)
        if not decision.admitted:
            if decision.refused_by == "breaker":
                raise CircuitOpenError(
                    f"circuit for Mollie account {self.account!r} at {self.host} is {decision.state}; "
                    f"retry in {decision.wait_seconds:.1f}s",
                    retry_after=decision.wait_seconds,
                )
            raise RateLimitError(
                f"local rate limit for Mollie account {self.account!r}: a slot is {decision.wait_seconds:.1f}s "
                f"away, more than the {settings.max_wait:.1f}s callers may wait",
                retry_after=decision.wait_seconds,
            )
        return Admission(decision.state, decision.failures, decision.wait_seconds)

    def record_success(self, admission: Admission, settings: GuardSettings) -> None:
        if admission.clean:
            return
        old, new = self._run("record_success", settings)
        if old != new:
            self._state_changed(old, new)

    def record_failure(self, settings: GuardSettings) -> None:
        old, new = self._run("record_failure", settings)
        if old != new:
            self._state_changed(old, new)

    def _state_changed(self, old: str, new: str) -> None:
        logger.warning("Mollie circuit for account %r at %s: %s -> %s", self.account, self.host, old, new)
        self._registry.emit("breaker_state_changed", BreakerStateChanged(self.account, self.host, old, new))
