"""The webhook pieces wired to a site: the DocType store, `frappe.enqueue`, the site's Redis, the
secrets of the Mollie Settings records, the `mollie_webhook_handlers` hooks; plus the jobs.

- `site_runtime()` builds the framework-free runtime (`webhooks.build_runtime`) for this site; the
  store and ingest are wrapped by the Operations metrics (`observability.webhook_metrics`).
- `drain_webhooks()`: the RQ job, queued on `mollie_webhooks` (site config `workers` must name it,
  as for any custom Frappe queue; without it the job goes to `short`) through a `DrainGate`, so at
  most one waits to start. It drains due rows in batches (`webhooks.batch`) for a time slice and
  then queues its successor if rows are still due. `process_webhook(log_id)` (one row) stays for
  jobs queued before it existed.
- `run_due_webhooks()`: the every-minute cron: wakes a drain job when any row is due (retries due,
  rows never picked up, dead leases; the drainer takes them all, uncapped) and sets the backlog
  gauges. `replay(...)`: operator replay (command and desk button).
- `purge_webhook_personal_data(cutoff)`: the `mollie_retention_purgers` hook.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import frappe
from frappe.utils import now_datetime

from verenigingen.verenigingen_payments.clients.config import resolve_config
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import from_site_time
from verenigingen.verenigingen_payments.frappe_integration.security.seams import field_cipher
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.observability.webhook_metrics import (
    InstrumentedWebhookLogStore,
    record_webhook_backlog,
)
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogRecord
from verenigingen.verenigingen_payments.webhooks import (
    HandlerRegistry,
    WebhookSecrets,
    WebhookSettings,
    build_runtime,
)
from verenigingen.verenigingen_payments.webhooks.batch import BatchDrainer, DrainReport
from verenigingen.verenigingen_payments.webhooks.drain_gate import DrainGate, DrainQueue
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks
from verenigingen.verenigingen_payments.webhooks.rate_limit import ClientRateLimiter
from verenigingen.verenigingen_payments.webhooks.runtime import WebhookRuntime
from verenigingen.verenigingen_payments.webhooks.work_queue import QUEUE_NAME

logger = logging.getLogger(__name__)

SETTINGS = "Mollie Settings"
SUBSCRIPTION = "Mollie Webhook Subscription"
HANDLER_HOOK = "mollie_webhook_handlers"
DRAIN_JOB = "verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs.drain_webhooks"
FALLBACK_QUEUE = "short"
# A drain job's share of a worker: it then queues its successor, so other queues' jobs get a turn.
# Its RQ timeout (the `workers` config of the queue, 300 s in the guide) must exceed it.
DRAIN_TIME_SLICE = timedelta(minutes=2)
DRAIN_BATCH = 50
DRAIN_CONCURRENCY = 8
_limiters: dict[str, ClientRateLimiter] = {}
_fetchers: dict[str, ClientsResourceFetcher] = {}


def queue_name() -> str:
    from frappe.utils.background_jobs import get_queues_timeout

    return QUEUE_NAME if QUEUE_NAME in get_queues_timeout() else FALLBACK_QUEUE


def drain_gate() -> DrainGate:
    return DrainGate(frappe.cache(), f"{frappe.local.site}:mollie:webhook-drain-waiting")


def _enqueue_drain() -> None:
    frappe.enqueue(DRAIN_JOB, queue=queue_name())


def site_queue() -> DrainQueue:
    """`WebhookQueue` over RQ: a submitted row wakes a drain job unless one is already waiting."""
    return DrainQueue(drain_gate(), _enqueue_drain)


def _password(doctype: str, name: str, field: str) -> str | None:
    return frappe.utils.password.get_decrypted_password(doctype, name, field, raise_exception=False) or None


def _still_valid(until) -> bool:
    return bool(until) and frappe.utils.get_datetime(until) > now_datetime()


def site_secrets_until() -> tuple[WebhookSecrets, datetime | None]:
    """Every currently valid secret of the enabled accounts, and when the first previous one expires."""
    classic: dict[str, list[str]] = {}
    signing: dict[str, list[str]] = {}
    expiries = []
    for row in frappe.get_all(SETTINGS, filters={"enable_backend_api": 1},
                              fields=["name", "webhook_secret_previous_valid_until"]):
        values = [_password(SETTINGS, row.name, "webhook_secret")]
        if _still_valid(row.webhook_secret_previous_valid_until):
            values.append(_password(SETTINGS, row.name, "previous_webhook_secret"))
            expiries.append(row.webhook_secret_previous_valid_until)
        classic[row.name] = [v for v in values if v]
    for row in frappe.get_all(SUBSCRIPTION, filters={"settings": ["in", list(classic)]},
                              fields=["name", "settings", "previous_signing_secret_valid_until"]):
        values = [_password(SUBSCRIPTION, row.name, "signing_secret")]
        if _still_valid(row.previous_signing_secret_valid_until):
            values.append(_password(SUBSCRIPTION, row.name, "previous_signing_secret"))
            expiries.append(row.previous_signing_secret_valid_until)
        signing.setdefault(row.settings, []).extend(v for v in values if v)
    first_expiry = min((frappe.utils.get_datetime(e) for e in expiries), default=None)
    return WebhookSecrets(classic=classic, signing=signing), from_site_time(first_expiry, 0) if first_expiry else None


def site_secrets() -> WebhookSecrets:
    """Every currently valid secret of the enabled accounts, read afresh."""
    return site_secrets_until()[0]


def encryption_on() -> bool:
    return bool(frappe.get_all(SETTINGS, filters={"enable_backend_api": 1, "enable_encryption": 1}, limit=1))


def rate_limiter() -> ClientRateLimiter:
    url = frappe.conf.redis_cache
    if url not in _limiters:
        _limiters[url] = ClientRateLimiter.on_redis(url, key_prefix=f"{frappe.local.site}:mollie-webhook")
    return _limiters[url]


def site_fetcher() -> ClientsResourceFetcher:
    """One fetcher (and its clients) per site and process; an account is its Mollie Settings name."""
    site = frappe.local.site
    if site not in _fetchers:
        _fetchers[site] = ClientsResourceFetcher(lambda account: account)
    return _fetchers[site]


def alert_gave_up(record: WebhookLogRecord, error: str) -> None:
    """Retries exhausted: an Error Log entry finance can find (the row itself says `failed`)."""
    frappe.log_error(
        title=f"Mollie webhook {record.resource_id or record.id} gave up after {record.attempts} attempts",
        message=f"Mollie Webhook Log {record.id} ({record.resource_type} {record.resource_id}): {error}\n"
                f"Replay it from the desk or with: bench --site {frappe.local.site} mollie webhooks replay --id {record.id}",
        reference_doctype="Mollie Webhook Log", reference_name=record.id,
    )


def batch_fetcher() -> ClientsResourceFetcher:
    """A fetcher for a drain job's fetch threads: the enabled accounts' settings resolved here, on the
    job's thread (the threads have no site bound); a job sees settings as they were when it started."""
    configs = {name: resolve_config(name) for name in
               frappe.get_all(SETTINGS, filters={"enable_backend_api": 1}, pluck="name")}
    return ClientsResourceFetcher(lambda account: configs.get(account) or account)


def site_runtime(*, queue=None, store=None, settings: WebhookSettings | None = None,
                 fetcher: ClientsResourceFetcher | None = None) -> WebhookRuntime:
    """The runtime for the current site; `queue`/`store`/`fetcher` replace RQ, the DocType store and the
    per-process fetcher (tests, the drain job)."""
    registry = HandlerRegistry()
    registry.load_hooks(frappe.get_hooks(HANDLER_HOOK) or {})
    return build_runtime(
        store=InstrumentedWebhookLogStore(store or FrappeWebhookLogStore()),
        fetcher=fetcher or site_fetcher(),
        secrets=site_secrets,
        locks=site_locks(),
        registry=registry,
        settings=settings or WebhookSettings(inline_budget_seconds=0),
        rate_limiter=rate_limiter(),
        cipher=field_cipher() if encryption_on() else None,
        on_gave_up=alert_gave_up,
        queue=queue if queue is not None else site_queue(),
    )


def site_locks() -> RedisResourceLocks:
    return RedisResourceLocks(frappe.cache(), prefix=f"{frappe.local.site}:mollie:webhook-lock:")


def site_drainer(runtime: WebhookRuntime, *, concurrency: int = DRAIN_CONCURRENCY) -> BatchDrainer:
    return BatchDrainer(runtime.store, runtime.processor, site_locks(), batch_size=DRAIN_BATCH,
                        concurrency=concurrency, time_slice=DRAIN_TIME_SLICE)


def drain_webhooks() -> dict:
    """The RQ job: drain due rows in batches for a time slice, then queue a successor if rows are left."""
    drain_gate().started()
    runtime = site_runtime(fetcher=batch_fetcher())
    report = site_drainer(runtime).drain()
    if report.more_due:
        runtime.queue.submit(None)
    record_webhook_backlog(runtime.store, datetime.now(timezone.utc))
    return _report(report)


def _report(report: DrainReport) -> dict:
    paused_until = report.paused_until.isoformat() if report.paused_until else None
    return {"rows": report.rows, "passes": report.passes, "more_due": report.more_due, "paused_until": paused_until}


def process_webhook(log_id: str) -> str | None:
    """The RQ job: process one logged delivery (claim, lock, fetch, apply once, close)."""
    status = site_runtime().processor.process(log_id)
    return status.value if status is not None else None


def run_due_webhooks() -> list[str]:
    """Every minute: wake a drain job if a retry is due, a row was never picked up or a worker died
    (one submit suffices: the drainer takes every due row); set the backlog gauges."""
    runtime = site_runtime()
    queued = runtime.recovery.run_due(limit=1)
    record_webhook_backlog(runtime.store, datetime.now(timezone.utc))
    return queued


def replay(*, ids: list[str] | None = None, failed: bool = False, since: datetime | None = None) -> list[str]:
    """Reprocess the chosen rows (the effect dedupe makes this safe); the ids queued."""
    queued = site_runtime().recovery.replay(ids=ids, failed=failed, since=since)
    if not frappe.flags.in_test:
        frappe.db.commit()
    return queued


def site_time(naive: datetime) -> datetime:
    """A date/time typed by an operator (site-local) as an aware instant."""
    return from_site_time(naive, 0)


def purge_webhook_personal_data(cutoff: datetime) -> int:
    """`mollie_retention_purgers` hook: bodies, headers, client addresses of old rows; rows stay."""
    return FrappeWebhookLogStore().purge_personal_data(cutoff)
