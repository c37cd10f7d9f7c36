"""Processing one logged delivery: claim it, lock its resource, fetch it, apply its effect once.

The body of the delivery is never trusted: the resource is fetched from Mollie and its state
(see `resource_state`) decides the effect. Under the resource's lock, a delivery that finds the
state of the resource's last applied effect is a duplicate, so concurrent twins and redeliveries
apply nothing twice; any other state is the next transition and applies, also a return to an
earlier state (a reversed chargeback). Failures are retried with backoff until the policy gives up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from ..core.errors import NotFoundError
from ..core.security.redaction import redact_exception
from ..store.webhook_log import WebhookLogRecord, WebhookLogStore, WebhookStatus
from .fetching import UnaddressableResourceError
from .handlers import HandlerRegistry, WebhookEffect
from .resource_state import ResourceState, last_effect_key
from .retry_policy import RetryPolicy

logger = logging.getLogger(__name__)


class ResourceFetcher(Protocol):
    """Fetches the current state of a resource from Mollie (through the typed clients).

    Returns the resource in Mollie's JSON shape; raises `NotFoundError` for an id Mollie does not
    know. `parent_id` (payment of a refund, customer of a subscription) only addresses the request.
    """

    def fetch(
        self, account: str | None, resource_type: str, resource_id: str, parent_id: str | None
    ) -> Mapping[str, Any]: ...


class ResourceLocks(Protocol):
    def hold(self, resource_key: str) -> AbstractContextManager[None]: ...


GaveUpHook = Callable[[WebhookLogRecord, str], None]


def _log_gave_up(record: WebhookLogRecord, error: str) -> None:
    logger.error("webhook %s for %s gave up after %s attempts: %s",
                 record.id, record.resource_id, record.attempts, error)


@dataclass(frozen=True)
class _Outcome:
    status: WebhookStatus
    effect_key: str | None = None
    note: str | None = None
    applied: ResourceState | None = None  # handlers ran for this state; its key is still to record


@dataclass(frozen=True)
class Fetched:
    """What a fetch found: the resource, or already the outcome (unknown to Mollie, unaddressable)."""

    resource: Mapping[str, Any] | None
    outcome: _Outcome | None = None


def resource_key(record: WebhookLogRecord) -> str:
    """The per-resource lock's key: one delivery of a resource at a time."""
    return f"{record.resource_type}:{record.resource_id}"


class WebhookProcessor:
    def __init__(
        self,
        store: WebhookLogStore,
        fetcher: ResourceFetcher,
        registry: HandlerRegistry,
        locks: ResourceLocks,
        *,
        retry_policy: RetryPolicy | None = None,
        lease: timedelta = timedelta(minutes=5),
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        on_gave_up: GaveUpHook = _log_gave_up,
    ) -> None:
        self._store = store
        self._fetcher = fetcher
        self._registry = registry
        self._locks = locks
        self._policy = retry_policy or RetryPolicy()
        self._lease = lease
        self._clock = clock
        self._on_gave_up = on_gave_up

    def process(self, log_id: str) -> WebhookStatus | None:
        """Process one row; its final status, or None if it was not claimable (done or held elsewhere)."""
        record = self.claim(log_id)
        if record is None:
            return None
        started = time.perf_counter()
        try:
            with self._locks.hold(resource_key(record)):
                return self.settle(record, self.fetch(record), started)
        except Exception as exc:  # every failure is retried, then surfaced; none may kill the worker
            return self.failed(record, exc, started)

    def claim(self, log_id: str) -> WebhookLogRecord | None:
        """Take the row under a lease if it is due and nobody holds it."""
        return self._store.claim(log_id, now=self._clock(), lease=self._lease)

    def fetch(self, record: WebhookLogRecord) -> Fetched:
        """The resource as Mollie has it now; call it holding the resource's lock. Writes nothing."""
        try:
            return Fetched(self._fetcher.fetch(record.account, record.resource_type, record.resource_id,
                                               record.parent_id))
        except NotFoundError:
            return Fetched(None, _Outcome(WebhookStatus.IGNORED, note=f"{record.resource_id} is unknown to Mollie"))
        except UnaddressableResourceError as exc:
            return Fetched(None, _Outcome(WebhookStatus.IGNORED, note=str(exc)))

    def settle(self, record: WebhookLogRecord, fetched: Fetched, started: float) -> WebhookStatus:
        """Still holding the lock: decide, run the handlers, record the effect and close the row."""
        outcome = fetched.outcome or self._apply(record, fetched.resource)
        if outcome.applied is not None:  # recorded before the lock is released, or a twin reapplies
            state = outcome.applied
            return self._store.finish_with_effect(
                record.id, outcome.effect_key, resource_type=state.resource_type,
                resource_id=state.resource_id, status=state.status, now=self._clock(),
                processing_ms=_elapsed_ms(started),
            )
        self._store.finish(record.id, outcome.status, now=self._clock(), processing_ms=_elapsed_ms(started),
                           effect_key=outcome.effect_key, note=outcome.note)
        return outcome.status

    def _apply(self, record: WebhookLogRecord, resource: Mapping[str, Any]) -> _Outcome:
        state = ResourceState.of(record.resource_type, record.resource_id, resource)
        if not self._registry.handlers_for(state.resource_type):
            return _Outcome(WebhookStatus.IGNORED, state.effect_key, f"no handler for {state.resource_type}")
        applied = self._store.effects_for(state.resource_id)
        if state.repeats(applied):
            return _Outcome(WebhookStatus.DUPLICATE, last_effect_key(applied))
        effect_key = state.transition_after(applied)
        self._registry.dispatch(
            WebhookEffect(
                resource_type=state.resource_type,
                resource_id=state.resource_id,
                status=state.status,
                effect_key=effect_key,
                resource=resource,
                event_type=record.event_type,
                account=record.account,
                webhook_log_id=record.id,
            )
        )
        return _Outcome(WebhookStatus.PROCESSED, effect_key, applied=state)

    def failed(self, record: WebhookLogRecord, exc: Exception, started: float) -> WebhookStatus:
        """Record a failure: retried after the policy's delay, or given up (then the hook runs).

        Mollie out of reach (see `RetryPolicy.pause_for`) is not the delivery's failure: the row is
        postponed for the pause, its attempt not counted.
        """
        error = redact_exception(exc)
        pause = self._policy.pause_for(exc)
        if pause is not None:
            self.postpone(record, self._clock() + pause, error)
            return WebhookStatus.FAILED
        if self._policy.should_retry(record.attempts):
            next_attempt = self._clock() + self._policy.delay(record.attempts)
            self._store.fail(record.id, error=error, next_attempt_at=next_attempt,
                             processing_ms=_elapsed_ms(started))
            return WebhookStatus.FAILED
        self._store.fail(record.id, error=error, next_attempt_at=None, processing_ms=_elapsed_ms(started))
        try:
            self._on_gave_up(record, error)
        except Exception:  # an alert that fails must not undo the bookkeeping
            logger.exception("the gave-up hook failed for webhook %s", record.id)
        return WebhookStatus.FAILED

    def postpone(self, record: WebhookLogRecord, until: datetime, reason: str) -> None:
        """Give a claimed row back, due at `until`, without counting its attempt."""
        self._store.postpone(record.id, until=until, reason=reason)

    def pause_for(self, exc: BaseException) -> timedelta | None:
        return self._policy.pause_for(exc)


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
