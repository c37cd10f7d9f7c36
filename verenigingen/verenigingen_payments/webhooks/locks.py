"""One resource at a time: a Redis lock per resource, so concurrent deliveries queue up behind it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis

from ..core.errors import MollieError


class ResourceBusyError(MollieError):
    """Another worker held the resource's lock for longer than we were willing to wait."""


class RedisResourceLocks:
    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "mollie:webhook-lock:",
        timeout: float = 300.0,
        blocking_timeout: float = 30.0,
    ) -> None:
        self._client = client
        self._prefix = prefix
        self._timeout = timeout
        self._blocking_timeout = blocking_timeout

    @classmethod
    def from_url(cls, url: str, **kwargs) -> RedisResourceLocks:
        return cls(redis.Redis.from_url(url), **kwargs)

    @contextmanager
    def hold(self, resource_key: str) -> Iterator[None]:
        lock = self._client.lock(
            self._prefix + resource_key, timeout=self._timeout, blocking_timeout=self._blocking_timeout
        )
        if not lock.acquire():
            raise ResourceBusyError(f"{resource_key} stayed locked for {self._blocking_timeout}s")
        try:
            yield
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                pass  # it expired while we worked; the effect dedupe still guards against a twin
