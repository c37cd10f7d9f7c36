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
        record = self._store.claim(log_id, now=self._clock(), lease=self._lease)
        if record is None:
            return None
        started = time.perf_counter()
        try:
            with self._locks.hold(f"{record.resource_type}:{record.resource_id}"):
                outcome = self._apply(record)
                if outcome.applied is not None:  # recorded before the lock is released, or a twin reapplies
                    state = outcome.applied
                    return self._store.finish_with_effect(
                        record.id, outcome.effect_key, resource_type=state.resource_type,
                        resource_id=state.resource_id, status=state.status, now=self._clock(),
                        processing_ms=_elapsed_ms(started),
                    )
        except Exception as exc:  # every failure is retried, then surfaced; none may kill the worker
            return self._failed(record, exc, started)
        self._store.finish(record.id, outcome.status, now=self._clock(), processing_ms=_elapsed_ms(started),
                           effect_key=outcome.effect_key, note=outcome.note)
        return outcome.status

    def _apply(self, record: WebhookLogRecord) -> _Outcome:
        try:
            resource = self._fetcher.fetch(
                record.account, record.resource_type, record.resource_id, record.parent_id
            )
        except NotFoundError:
            return _Outcome(WebhookStatus.IGNORED, note=f"{record.resource_id} is unknown to Mollie")
        except UnaddressableResourceError as exc:
            return _Outcome(WebhookStatus.IGNORED, note=str(exc))
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

    def _failed(self, record: WebhookLogRecord, exc: Exception, started: float) -> WebhookStatus:
        error = redact_exception(exc)
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


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
