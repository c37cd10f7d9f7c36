"""The webhook pieces wired to a site: the DocType store, `frappe.enqueue`, the site's Redis, the
secrets of the Mollie Settings records, the `mollie_webhook_handlers` hooks; plus the jobs.

- `site_runtime()` builds the framework-free runtime (`webhooks.build_runtime`) for this site; the
  store and ingest are wrapped by the Operations metrics (`observability.webhook_metrics`).
- `process_webhook(log_id)`: the RQ job, queued on `mollie_webhooks` (site config `workers` must
  name it, as for any custom Frappe queue; without it the job goes to `short`).
- `run_due_webhooks()`: the every-minute cron (retries due, rows never picked up, dead leases) and
  the queue-depth gauge. `replay(...)`: operator replay (command and desk button).
- `purge_webhook_personal_data(cutoff)`: the `mollie_retention_purgers` hook.
"""

from __future__ import annotations

import logging
from datetime import datetime

import frappe
from frappe.utils import now_datetime

from verenigingen.verenigingen_payments.frappe_integration.common.site_time import from_site_time
from verenigingen.verenigingen_payments.frappe_integration.security.seams import field_cipher
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.observability.webhook_metrics import (
    InstrumentedWebhookLogStore,
    record_webhook_queue_depth,
)
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogRecord
from verenigingen.verenigingen_payments.webhooks import (
    HandlerRegistry,
    WebhookSecrets,
    WebhookSettings,
    build_runtime,
)
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks
from verenigingen.verenigingen_payments.webhooks.rate_limit import ClientRateLimiter
from verenigingen.verenigingen_payments.webhooks.runtime import WebhookRuntime
from verenigingen.verenigingen_payments.webhooks.work_queue import QUEUE_NAME

logger = logging.getLogger(__name__)

SETTINGS = "Mollie Settings"
SUBSCRIPTION = "Mollie Webhook Subscription"
HANDLER_HOOK = "mollie_webhook_handlers"
JOB = "verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs.process_webhook"
FALLBACK_QUEUE = "short"
_limiters: dict[str, ClientRateLimiter] = {}
_fetchers: dict[str, ClientsResourceFetcher] = {}


def queue_name() -> str:
    from frappe.utils.background_jobs import get_queues_timeout

    return QUEUE_NAME if QUEUE_NAME in get_queues_timeout() else FALLBACK_QUEUE


class FrappeWebhookQueue:
    """`WebhookQueue` over RQ: one job per row, deduplicated by job id; nothing to wait on."""

    def submit(self, log_id: str) -> None:
        frappe.enqueue(JOB, queue=queue_name(), job_id=f"mollie-webhook-{log_id}", deduplicate=True, log_id=log_id)
        return None


def _password(doctype: str, name: str, field: str) -> str | None:
    return frappe.utils.password.get_decrypted_password(doctype, name, field, raise_exception=False) or None


def _still_valid(until) -> bool:
    return bool(until) and frappe.utils.get_datetime(until) > now_datetime()


def site_secrets() -> WebhookSecrets:
    """Every currently valid secret of the enabled accounts (read per request: rotation needs no restart)."""
    classic: dict[str, list[str]] = {}
    signing: dict[str, list[str]] = {}
    for row in frappe.get_all(SETTINGS, filters={"enable_backend_api": 1},
                              fields=["name", "webhook_secret_previous_valid_until"]):
        values = [_password(SETTINGS, row.name, "webhook_secret")]
        if _still_valid(row.webhook_secret_previous_valid_until):
            values.append(_password(SETTINGS, row.name, "previous_webhook_secret"))
        classic[row.name] = [v for v in values if v]
    for row in frappe.get_all(SUBSCRIPTION, filters={"settings": ["in", list(classic)]},
                              fields=["name", "settings", "previous_signing_secret_valid_until"]):
        values = [_password(SUBSCRIPTION, row.name, "signing_secret")]
        if _still_valid(row.previous_signing_secret_valid_until):
            values.append(_password(SUBSCRIPTION, row.name, "previous_signing_secret"))
        signing.setdefault(row.settings, []).extend(v for v in values if v)
    return WebhookSecrets(classic=classic, signing=signing)


def _encryption_on() -> bool:
    return bool(frappe.get_all(SETTINGS, filters={"enable_backend_api": 1, "enable_encryption": 1}, limit=1))


def _rate_limiter() -> ClientRateLimiter:
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


def site_runtime(*, queue=None, store=None, settings: WebhookSettings | None = None) -> WebhookRuntime:
    """The runtime for the current site; `queue`/`store` replace RQ and the DocType store in tests."""
    registry = HandlerRegistry()
    registry.load_hooks(frappe.get_hooks(HANDLER_HOOK) or {})
    return build_runtime(
        store=InstrumentedWebhookLogStore(store or FrappeWebhookLogStore()),
        fetcher=site_fetcher(),
        secrets=site_secrets,
        locks=RedisResourceLocks(frappe.cache(), prefix=f"{frappe.local.site}:mollie:webhook-lock:"),
        registry=registry,
        settings=settings or WebhookSettings(inline_budget_seconds=0),
        rate_limiter=_rate_limiter(),
        cipher=field_cipher() if _encryption_on() else None,
        on_gave_up=alert_gave_up,
        queue=queue if queue is not None else FrappeWebhookQueue(),
    )


def process_webhook(log_id: str) -> str | None:
    """The RQ job: process one logged delivery (claim, lock, fetch, apply once, close)."""
    status = site_runtime().processor.process(log_id)
    return status.value if status is not None else None


def run_due_webhooks() -> list[str]:
    """Every minute: queue due retries, rows never picked up and rows of dead workers."""
    runtime = site_runtime()
    queued = runtime.recovery.run_due()
    record_webhook_queue_depth(runtime.store.count_by_status())
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
