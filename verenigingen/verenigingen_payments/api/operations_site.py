"""Frappe adapters of the operations package: site facts for the configuration check, readiness
checks of a site, scrape-time gauges read from the site's own tables.

Framework-free logic lives in `observability/`; this module only reads Frappe state.
"""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.core.security.encryption import ENCRYPTION_KEYS_SITE_CONFIG
from verenigingen.verenigingen_payments.observability import health, metrics
from verenigingen.verenigingen_payments.observability.config_check import (
    AccountFacts,
    SiteFacts,
    api_key_kind,
    check_site,
    ensure_ready,
    environment_of,
)
from verenigingen.verenigingen_payments.observability.recorders import record_config_problems

DOCTYPE = "Mollie Settings"
METRICS_TOKEN_SITE_CONFIG = "mollie_metrics_token"
APP_JOB_PREFIX = "verenigingen."


def _account_facts(name: str) -> AccountFacts:
    from verenigingen.verenigingen_payments.clients.config import DEFAULT_BASE_URL

    doc = frappe.get_doc(DOCTYPE, name)
    return AccountFacts(
        name=name,
        enabled=bool(doc.get("enable_backend_api")),
        api_key_kind=api_key_kind(doc.get_password("secret_key", raise_exception=False)),
        has_webhook_secret=bool(doc.get_password("webhook_secret", raise_exception=False)),
        base_url=(doc.get("api_base_url") or DEFAULT_BASE_URL).strip(),
    )


def site_facts(accounts: list[str] | None = None) -> SiteFacts:
    conf = frappe.conf
    names = accounts if accounts is not None else frappe.get_all(DOCTYPE, pluck="name", order_by="name")
    return SiteFacts(
        environment=environment_of(dict(conf)),
        has_encryption_key=bool(conf.get(ENCRYPTION_KEYS_SITE_CONFIG)),
        has_site_encryption_key=bool(conf.get("encryption_key")),
        accounts=tuple(_account_facts(n) for n in names if frappe.db.exists(DOCTYPE, n)),
    )


def config_problems() -> list:
    problems = check_site(site_facts())
    record_config_problems(len(problems))
    return problems


def ensure_accounts_ready(accounts: list[str] | None = None) -> None:
    """The gate a scheduled job calls before it uses `accounts` (all enabled ones by default)."""
    ensure_ready(site_facts(accounts), accounts)


def enabled_accounts() -> list[str]:
    return frappe.get_all(DOCTYPE, filters={"enable_backend_api": 1}, pluck="name", order_by="name")


def readiness_checks() -> list:
    from frappe.utils.background_jobs import get_redis_conn
    from frappe.utils.scheduler import is_scheduler_inactive

    from verenigingen.verenigingen_payments.frappe_integration.settings.provider import FrappeSettingsProvider

    checks = [
        health.check_sql("database", lambda: frappe.db.sql("select 1")),
        health.check_redis("redis_cache", frappe.cache),
        health.check_rq_workers("queue_workers", get_redis_conn()),
        health.check_scheduler("scheduler", lambda: is_scheduler_inactive(verbose=False)),
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
