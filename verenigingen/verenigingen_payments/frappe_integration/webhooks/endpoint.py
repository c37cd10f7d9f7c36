"""The endpoint's per-request work kept lean: verify, insert the log row, wake at most one drain
job, answer. What it needs besides the request (the enabled accounts' secrets, the body cipher,
the wired ingest service) is built once per process and site and rebuilt when its source changes:
the version read on every request is one indexed query over the Mollie Settings and Mollie Webhook
Subscription records (their count and latest `modified`, which every save, `frappe.db.set_value`,
rotation switch and deletion moves) plus the site's encryption-key config. So a rotated or revoked
secret applies on the very next request in every web worker, and a previous secret stops being
accepted when its grace period ends. Nothing else is written per delivery (no audit entry:
operators' actions are audited, deliveries are logged in their own rows).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

import frappe

from verenigingen.verenigingen_payments.core.security.encryption import ENCRYPTION_KEYS_SITE_CONFIG
from verenigingen.verenigingen_payments.frappe_integration.security.seams import field_cipher
from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import (
    SETTINGS,
    SUBSCRIPTION,
    encryption_on,
    rate_limiter,
    site_queue,
    site_secrets_until,
)
from verenigingen.verenigingen_payments.frappe_integration.webhooks.store import FrappeWebhookLogStore
from verenigingen.verenigingen_payments.observability.webhook_metrics import (
    InstrumentedIngest,
    InstrumentedWebhookLogStore,
)
from verenigingen.verenigingen_payments.webhooks import StaticSecrets, WebhookIngestService, WebhookSettings
from verenigingen.verenigingen_payments.webhooks.versioned_value import VersionedValue

_VERSION_SQL = (
    f"select (select count(*) from `tab{SETTINGS}`), (select max(modified) from `tab{SETTINGS}`), "
    f"(select count(*) from `tab{SUBSCRIPTION}`), (select max(modified) from `tab{SUBSCRIPTION}`)"
)
_by_site: dict[str, VersionedValue[InstrumentedIngest]] = {}


def settings_version() -> Hashable:
    """Changes whenever a Mollie Settings or webhook subscription record (or the body cipher's keys) does."""
    keys = tuple(sorted((k, repr(v)) for k, v in frappe.conf.items() if k.startswith(ENCRYPTION_KEYS_SITE_CONFIG)))
    return (tuple(frappe.db.sql(_VERSION_SQL)[0]), keys)


def _build() -> tuple[InstrumentedIngest, datetime | None]:
    secrets, valid_until = site_secrets_until()
    service = WebhookIngestService(
        InstrumentedWebhookLogStore(FrappeWebhookLogStore()),
        site_queue(),
        StaticSecrets(secrets),
        settings=WebhookSettings(inline_budget_seconds=0),
        rate_limiter=rate_limiter(),
        cipher=field_cipher() if encryption_on() else None,
    )
    return InstrumentedIngest(service), valid_until


def site_ingest() -> InstrumentedIngest:
    """The site's ingest service, as of its settings' current version."""
    site = frappe.local.site
    cached = _by_site.get(site)
    if cached is None:
        cached = _by_site[site] = VersionedValue(_build, settings_version)
    return cached.get()
