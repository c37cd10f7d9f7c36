"""Per-client limit on unauthenticated webhook requests.

Only requests that fail authentication or validation count: a delivery with a valid secret or
signature is Mollie's (or someone holding our secret) and always passes, so Mollie's retry
bursts are never throttled, while a flood of junk from one address is answered 429 without a
log row and cannot fill the table or tie up workers. Backed by `limits` on Redis (shared by every
web worker); an in-memory storage serves a single process.
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter


class ClientRateLimiter:
    def __init__(self, storage: Storage, limit: str = "30/minute") -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._item: RateLimitItem = parse(limit)

    @classmethod
    def on_redis(cls, url: str, *, limit: str = "30/minute", key_prefix: str = "mollie-webhook") -> ClientRateLimiter:
        return cls(RedisStorage(url, key_prefix=key_prefix), limit)

    @classmethod
    def in_memory(cls, limit: str = "30/minute") -> ClientRateLimiter:
        return cls(MemoryStorage(), limit)

    def allow(self, client: str) -> bool:
        """Count one unauthenticated request from `client`; False once it is over the limit."""
        return self._limiter.hit(self._item, "unauthenticated", client or "unknown")
