"""Backfill and sync of the local payment ledger from Mollie's payments list, resumable.

Mollie lists payments newest first. The sync upserts one page at a time and saves the client's
cursor (the `from` id of the first payment not yet stored) after each page, so a sync stopped by
an outage or a crash continues where it stopped, and memory holds one page. A finished sync
records when it started; the next one goes back to `overlap` before that, so status changes of
recent payments (refunds, chargebacks) are picked up too.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Callable

from ...store.ledger import PaymentLedger, SyncCursor
from .mollie_inputs import ledger_payment_from

PAGE = 250
DEFAULT_OVERLAP = timedelta(days=62)


def sync_payments(
    payments_client, ledger: PaymentLedger, account: str, *, since: datetime | None = None,
    overlap: timedelta = DEFAULT_OVERLAP, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
) -> SyncCursor:
    """Bring the ledger up to date; returns the final cursor (synced count, completion time)."""
    cursor = ledger.get_sync_cursor(account)
    if cursor.started_at is not None and cursor.completed_at is None:
        since = cursor.since  # resume the interrupted sync with its own bounds
        resume_from = cursor.next_from
    else:
        if since is None and cursor.completed_at is not None and cursor.started_at is not None:
            since = cursor.started_at - overlap
        cursor = SyncCursor(None, since, clock(), None, 0)
        resume_from = None
        ledger.save_sync_cursor(account, cursor)
    pages = payments_client.iter_payments(from_=resume_from)
    batch = []
    for payment in pages:
        if since is not None and payment.created_at < since:
            break
        batch.append(ledger_payment_from(payment))
        if len(batch) >= PAGE:
            ledger.upsert_payments(account, batch)
            cursor = replace(cursor, next_from=pages.cursor, synced=cursor.synced + len(batch))
            ledger.save_sync_cursor(account, cursor)
            batch = []
    if batch:
        ledger.upsert_payments(account, batch)
    cursor = replace(cursor, next_from=None, synced=cursor.synced + len(batch), completed_at=clock())
    ledger.save_sync_cursor(account, cursor)
    return cursor
