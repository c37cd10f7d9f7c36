"""The retry job and operator replay: how a row that was not processed gets processed.

`run_due` is the scheduled job (every minute in Frappe): it queues rows whose retry is due, rows
received but never picked up (the process died between persist and process) and rows whose
worker's lease ran out. `replay` lets an operator reprocess rows by id, all failed rows, or
everything since a date; the effect dedupe makes that safe. A next-gen event refused only for its
age can be replayed too; a row refused for its secret or signature never can.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from ..store.webhook_log import WebhookLogRecord, WebhookLogStore, WebhookStatus
from .work_queue import WebhookQueue

REPLAYABLE_REJECTIONS = frozenset({"event_too_old"})


class WebhookRecovery:
    def __init__(
        self,
        store: WebhookLogStore,
        queue: WebhookQueue,
        *,
        stale_after: timedelta = timedelta(minutes=2),
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self._store = store
        self._queue = queue
        self._stale_after = stale_after
        self._clock = clock

    def run_due(self, limit: int = 500) -> list[str]:
        """Queue every row that is due; the ids queued."""
        now = self._clock()
        ids = self._store.due_ids(now=now, stale_before=now - self._stale_after, limit=limit)
        for log_id in ids:
            self._queue.submit(log_id)
        return ids

    def replay(
        self, *, ids: list[str] | None = None, failed: bool = False, since: datetime | None = None
    ) -> list[str]:
        """Reprocess the selected rows (same dedupe as always); the ids queued."""
        now = self._clock()
        chosen = [r for r in self._store.replay_candidates(ids=ids, failed=failed, since=since) if _replayable(r)]
        for record in chosen:
            self._store.reset_for_replay(record.id, now=now)
            self._queue.submit(record.id)
        return [r.id for r in chosen]


def _replayable(record: WebhookLogRecord) -> bool:
    if record.status == WebhookStatus.PROCESSING:
        return False
    if record.status == WebhookStatus.REJECTED:
        return record.rejection_reason in REPLAYABLE_REJECTIONS and record.resource_id is not None
    return record.resource_id is not None
