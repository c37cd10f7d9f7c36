"""The shared circuit breaker and token bucket, as one decision made in one place.

Both live in Redis and are updated by atomic Lua scripts, so every worker of every process sees
one breaker per (account, API host) and one rate per account. `admit` decides both in a single
round trip (breaker first: a refused call takes no token); `record_failure` / `record_success` run
only when the breaker's counters must change, so a healthy call costs one round trip.

`LocalGuardState` is the same algorithm in-process: it stands in while Redis is unreachable.

The token bucket reserves: a caller that finds it empty takes a token from the future and is told
how long to wait, so waiting costs no extra round trip and callers are served in arrival order.
A reservation longer than `max_wait` is refused instead (the caller gets RateLimitError).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


@dataclass(frozen=True, slots=True)
class GuardSettings:
    rate_per_second: float
    burst: float
    max_wait: float
    failure_threshold: int
    open_seconds: float
    probe_lease: float


@dataclass(frozen=True, slots=True)
class Decision:
    admitted: bool
    state: str  # breaker state after the decision
    failures: int
    wait_seconds: float  # limiter wait if admitted; breaker or limiter retry-after if not
    refused_by: str | None  # "breaker" | "limiter" | None
    previous_state: str  # differs from `state` when this call moved open -> half_open


ADMIT_LUA = """
local rate, burst, max_wait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local open_seconds, probe_lease, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local now = tonumber(ARGV[7])
local b = redis.call('HMGET', KEYS[1], 'state', 'failures', 'opened_at', 'probe_until')
local state = b[1] or 'closed'
local failures = tonumber(b[2]) or 0
local new_state = state
if state == 'open' then
  local left = open_seconds - (now - (tonumber(b[3]) or 0))
  if left > 0 then return {0, state, failures, tostring(left), 'breaker', state} end
  new_state = 'half_open'
elseif state == 'half_open' then
  local left = (tonumber(b[4]) or 0) - now
  if left > 0 then return {0, state, failures, tostring(left), 'breaker', state} end
end
local tb = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
local tokens, ts = tonumber(tb[1]), tonumber(tb[2])
if tokens == nil or ts == nil then tokens = burst; ts = now end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate end
if wait > max_wait then return {0, state, failures, tostring(wait), 'limiter', state} end
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - 1), 'ts', tostring(math.max(now, ts)))
redis.call('EXPIRE', KEYS[2], ttl)
if new_state == 'half_open' then
  redis.call('HSET', KEYS[1], 'state', 'half_open', 'probe_until', tostring(now + probe_lease))
  redis.call('EXPIRE', KEYS[1], 86400)
end
return {1, new_state, failures, tostring(wait), '', state}
"""

RECORD_FAILURE_LUA = """
local threshold, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
local new_state = state
if state == 'half_open' then
  new_state = 'open'
elseif state == 'closed' then
  local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  if failures >= threshold then new_state = 'open' end
end
if new_state == 'open' and state ~= 'open' then
  redis.call('HSET', KEYS[1], 'state', 'open', 'opened_at', tostring(now), 'probe_until', '0')
end
redis.call('EXPIRE', KEYS[1], 86400)
return {state, new_state}
"""

RECORD_SUCCESS_LUA = """
local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
if state == 'open' then return {state, state} end
redis.call('HSET', KEYS[1], 'state', 'closed', 'failures', 0, 'probe_until', '0')
redis.call('EXPIRE', KEYS[1], 86400)
return {state, 'closed'}
"""


class RedisGuardState:
    """The breaker and bucket of one account in Redis; every method is one round trip."""

    def __init__(
        self, client, breaker_key: str, bucket_key: str, clock: Callable[[], float] = time.time
    ) -> None:
        self._clock = clock  # wall clock: shared by every process on NTP-synced hosts
        self.breaker_key = breaker_key
        self.bucket_key = bucket_key
        self._admit = client.register_script(ADMIT_LUA)
        self._failure = client.register_script(RECORD_FAILURE_LUA)
        self._success = client.register_script(RECORD_SUCCESS_LUA)

    def admit(self, s: GuardSettings) -> Decision:
        ttl = int(s.burst / s.rate_per_second + s.max_wait) + 60
        admitted, state, failures, wait, refused_by, previous = self._admit(
            keys=[self.breaker_key, self.bucket_key],
            args=[
                s.rate_per_second,
                s.burst,
                s.max_wait,
                s.open_seconds,
                s.probe_lease,
                ttl,
                repr(self._clock()),
            ],
        )
        return Decision(
            bool(admitted),
            _text(state),
            int(failures),
            float(wait),
            _text(refused_by) if refused_by else None,
            _text(previous),
        )

    def record_failure(self, s: GuardSettings) -> tuple[str, str]:
        old, new = self._failure(keys=[self.breaker_key], args=[s.failure_threshold, repr(self._clock())])
        return _text(old), _text(new)

    def record_success(self, s: GuardSettings) -> tuple[str, str]:
        old, new = self._success(keys=[self.breaker_key])
        return _text(old), _text(new)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class LocalGuardState:
    """The same breaker and bucket held in this process; used while Redis is unreachable."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.state = CLOSED
        self.failures = 0
        self.opened_at = 0.0
        self.probe_until = 0.0
        self.tokens: float | None = None
        self.ts = 0.0

    def admit(self, s: GuardSettings) -> Decision:
        with self._lock:
            now = self._clock()
            new_state = self.state
            if self.state == OPEN:
                left = s.open_seconds - (now - self.opened_at)
                if left > 0:
                    return Decision(False, self.state, self.failures, left, "breaker", self.state)
                new_state = HALF_OPEN
            elif self.state == HALF_OPEN and self.probe_until > now:
                return Decision(
                    False, self.state, self.failures, self.probe_until - now, "breaker", self.state
                )
            tokens = s.burst if self.tokens is None else self.tokens
            tokens = min(s.burst, tokens + max(0.0, now - self.ts) * s.rate_per_second)
            wait = (1 - tokens) / s.rate_per_second if tokens < 1 else 0.0
            if wait > s.max_wait:
                return Decision(False, self.state, self.failures, wait, "limiter", self.state)
            self.tokens, self.ts = tokens - 1, max(now, self.ts)
            previous = self.state
            if new_state == HALF_OPEN:
                self.state, self.probe_until = HALF_OPEN, now + s.probe_lease
            return Decision(True, new_state, self.failures, wait, None, previous)

    def record_failure(self, s: GuardSettings) -> tuple[str, str]:
        with self._lock:
            old = self.state
            if old == CLOSED:
                self.failures += 1
                if self.failures >= s.failure_threshold:
                    self.state = OPEN
            elif old == HALF_OPEN:
                self.state = OPEN
            if self.state == OPEN and old != OPEN:
                self.opened_at, self.probe_until = self._clock(), 0.0
            return old, self.state

    def record_success(self, s: GuardSettings) -> tuple[str, str]:
        with self._lock:
            old = self.state
            if old != OPEN:
                self.state, self.failures, self.probe_until = CLOSED, 0, 0.0
            return old, self.state
