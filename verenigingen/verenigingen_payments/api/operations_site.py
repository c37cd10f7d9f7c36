"""Frappe adapters of the operations package: site facts for the configuration check, readiness
checks of a site, scrape-time gauges read from the site's own tables.

Framework-free logic lives in `observability/`; this module only reads Frappe state.
"""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.core.security.encryption import ENCRYPTION_KEYS_SITE_CONFIG
from verenigingen.verenigingen_payments.observability import health, metrics
from verenigingen.verenigingen_payments.frappe_integration.monitoring.morning_facts import webhook_backlog
from verenigingen.verenigingen_payments.frappe_integration.security.jobs import keys_due_for_rotation
from verenigingen.verenigingen_payments.frappe_integration.settings.job_gate import usable
from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import queue_name
from verenigingen.verenigingen_payments.observability.config_check import (
    AccountFacts,
    QueueFacts,
    SiteFacts,
    api_key_kind,
    check_ready,
    check_site,
    environment_of,
    problems_by_account,
)
from verenigingen.verenigingen_payments.observability.recorders import record_config_problems
from verenigingen.verenigingen_payments.webhooks.work_queue import QUEUE_NAME

DOCTYPE = "Mollie Settings"
METRICS_TOKEN_SITE_CONFIG = "mollie_metrics_token"
APP_JOB_PREFIX = "verenigingen."
WEBHOOK_SUBSCRIPTION = "Mollie Webhook Subscription"
#: The queues the app enqueues on, besides the webhook queue: Frappe's scheduler and the reconciliation jobs.
APP_QUEUES = (("default", "scheduled jobs"), ("long", "reconciliation runs"))


def _account_facts(name: str, rotation_due: frozenset[str] = frozenset()) -> AccountFacts:
    from verenigingen.verenigingen_payments.clients.config import DEFAULT_BASE_URL

    doc = frappe.get_doc(DOCTYPE, name)
    return AccountFacts(
        name=name,
        enabled=bool(doc.get("enable_backend_api")),
        api_key_kind=api_key_kind(doc.get_password("secret_key", raise_exception=False)),
        has_webhook_secret=bool(doc.get_password("webhook_secret", raise_exception=False)),
        base_url=(doc.get("api_base_url") or DEFAULT_BASE_URL).strip(),
        webhook_registered=bool(frappe.db.exists(WEBHOOK_SUBSCRIPTION, {"settings": name})),
        rotation_due=name in rotation_due,
    )


def served_queues() -> set[str]:
    """Queue names (without the bench prefix) that a live RQ worker of this bench listens to."""
    from frappe.utils.background_jobs import get_workers

    return {queue.split(":", 1)[-1] for worker in get_workers() for queue in worker.queue_names()}


def queue_facts() -> tuple[QueueFacts, ...]:
    served = served_queues()
    webhook_queue = queue_name()
    return (QueueFacts(QUEUE_NAME, "webhook deliveries", QUEUE_NAME in served, declared=webhook_queue == QUEUE_NAME),
            *(QueueFacts(name, used_for, name in served) for name, used_for in APP_QUEUES))


def site_facts(accounts: list[str] | None = None, *, readiness: bool = False) -> SiteFacts:
    """The facts of `accounts` (all records by default); `readiness` adds registrations, key rotation
    and the queues' workers (what check-config needs, not the per-job gate)."""
    conf = frappe.conf
    names = accounts if accounts is not None else frappe.get_all(DOCTYPE, pluck="name", order_by="name")
    due = frozenset(keys_due_for_rotation()) if readiness else frozenset()
    return SiteFacts(
        environment=environment_of(dict(conf)),
        has_encryption_key=bool(conf.get(ENCRYPTION_KEYS_SITE_CONFIG)),
        has_site_encryption_key=bool(conf.get("encryption_key")),
        accounts=tuple(_account_facts(n, due) for n in names if frappe.db.exists(DOCTYPE, n)),
        queues=queue_facts() if readiness else (),
    )


def config_problems() -> list:
    """Every problem check-config names (safety and readiness); the gauge counts them."""
    problems = check_ready(site_facts(readiness=True))
    record_config_problems(len(problems))
    return problems


def refused_accounts_by_problem() -> dict[str, list[str]]:
    """The enabled accounts the safety check refuses, with their problems (the job gate's input); an
    unusable site-wide setting (a misspelt mollie_environment) refuses every enabled account."""
    try:
        facts = site_facts()
    except ConfigurationError as exc:
        names = frappe.get_all(DOCTYPE, filters={"enable_backend_api": 1}, pluck="name", order_by="name")
        return {name: [exc.message] for name in names}
    return problems_by_account(check_site(facts))


def enabled_accounts() -> list[str]:
    return usable(frappe.get_all(DOCTYPE, filters={"enable_backend_api": 1}, pluck="name", order_by="name"))


def webhook_waiting() -> tuple[int, float | None]:
    """(deliveries waiting, age of the oldest in seconds) of the Mollie Webhook Log."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    backlog = webhook_backlog(now)
    oldest = backlog.oldest_waiting
    return backlog.waiting, (now - oldest).total_seconds() if oldest else None


def readiness_checks() -> list:
    from frappe.utils.background_jobs import get_redis_conn
    from frappe.utils.scheduler import is_scheduler_inactive

    from verenigingen.verenigingen_payments.frappe_integration.settings.provider import FrappeSettingsProvider

    checks = [
        health.check_sql("database", lambda: frappe.db.sql("select 1")),
        health.check_redis("redis_cache", frappe.cache),
        health.check_rq_workers("queue_workers", get_redis_conn()),
        health.check_scheduler("scheduler", lambda: is_scheduler_inactive(verbose=False)),
        health.check_webhook_backlog(webhook_waiting, queue_name(), lambda: queue_name() in served_queues()),
    ]
    for name in enabled_accounts():
        config = FrappeSettingsProvider().get_config(name)
        if config.redis_url:
            client = health.redis_connection(config.redis_url)
            key = health.breaker_key(config.redis_key_prefix, config.account, config.base_url)
            checks.append(health.check_breaker(name, client, key))
        checks.append(health.check_last_success(name, health.last_success_from_metrics))
    return checks





def refresh_site_gauges() -> None:
    """Scrape-time gauges the site knows itself: last successful run of each of the app's scheduled jobs,
    and the webhook backlog (depth and oldest unprocessed row's age) as the log holds it now."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
    from verenigingen.verenigingen_payments.observability.webhook_metrics import record_webhook_backlog

    record_webhook_backlog(FrappeWebhookLogStore(commit=False), datetime.now(timezone.utc))

    from frappe.utils import get_system_timezone

    zone = ZoneInfo(get_system_timezone())
    rows = frappe.db.sql(
        """select jt.method, max(log.creation) from `tabScheduled Job Log` log
           join `tabScheduled Job Type` jt on jt.name = log.scheduled_job_type
           where log.status = 'Complete' and jt.method like %s group by jt.method""",
        (APP_JOB_PREFIX + "%",),
    )
    for method, finished in rows:
        if finished is not None:
            metrics.JOB_LAST_SUCCESS.labels(method.rsplit(".", 1)[-1]).set(finished.replace(tzinfo=zone).timestamp())
