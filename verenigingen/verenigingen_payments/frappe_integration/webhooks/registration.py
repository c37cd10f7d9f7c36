"""Registering an account's next-gen webhook subscription at Mollie and keeping its signing secret.

`register` creates the subscription (Mollie answers with the `webhookSecret` only then) or, when the
site already holds one that Mollie still knows, updates its URL and event types, keeping the secret.
A re-created subscription's old secret stays valid for `PREVIOUS_SECRET_GRACE`, so events Mollie
is still retrying under it are not refused. `ping` asks Mollie for a signed `webhook.ping`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from verenigingen.verenigingen_payments.clients.webhooks_client import ALL_EVENT_TYPES, WebhooksClient
from verenigingen.verenigingen_payments.core.errors import NotFoundError
from verenigingen.verenigingen_payments.doctype.mollie_webhook_subscription.mollie_webhook_subscription import (
    REGISTERING_FLAG_KEY,
)
from verenigingen.verenigingen_payments.webhooks.settings import WEBHOOK_PATH

SUBSCRIPTION = "Mollie Webhook Subscription"
PREVIOUS_SECRET_GRACE = timedelta(hours=48)  # beyond Mollie's ~26 hours of retries
DEFAULT_NAME = "Verenigingen finance events"


@dataclass(frozen=True)
class Registration:
    account: str
    webhook_id: str
    url: str
    event_types: list[str]
    action: str  # "created" | "updated" | "re-created"


def default_url() -> str:
    return frappe.utils.get_url(WEBHOOK_PATH)


def _existing(client: WebhooksClient, doc) -> bool:
    if doc is None or not doc.webhook_id:
        return False
    try:
        client.get_webhook(doc.webhook_id)
        return True
    except NotFoundError:
        return False


def register(account: str, *, url: str | None = None, event_types: list[str] | str = ALL_EVENT_TYPES,
             name: str = DEFAULT_NAME) -> Registration:
    client = WebhooksClient(account)
    url = url or default_url()
    doc = frappe.get_doc(SUBSCRIPTION, account) if frappe.db.exists(SUBSCRIPTION, account) else None
    if _existing(client, doc):
        hook = client.update_webhook(doc.webhook_id, name=name, url=url, event_types=event_types)
        action = "updated"
    else:
        hook = client.create_webhook(name=name, url=url, event_types=event_types)
        action = "created" if doc is None else "re-created"
        if doc is None:
            doc = frappe.new_doc(SUBSCRIPTION)
            doc.settings = account
        else:
            old = doc.get_password("signing_secret", raise_exception=False)
            if old:
                doc.previous_signing_secret = old
                doc.previous_signing_secret_valid_until = now_datetime() + PREVIOUS_SECRET_GRACE
        doc.signing_secret = hook.webhook_secret
    doc.webhook_id = hook.id
    doc.url = hook.url
    doc.event_types = ", ".join(hook.event_types)
    doc.registered_at = now_datetime()
    _save(doc)
    return Registration(account, hook.id, hook.url, list(hook.event_types), action)


def ping(account: str) -> str:
    """Ask Mollie to send the account's subscription a signed ping; the webhook id pinged."""
    webhook_id = frappe.db.get_value(SUBSCRIPTION, account, "webhook_id")
    if not webhook_id:
        from verenigingen.verenigingen_payments.core.errors import ConfigurationError

        raise ConfigurationError(f"{account!r} has no registered webhook: run mollie webhooks register first")
    WebhooksClient(account).ping_webhook(webhook_id)
    doc = frappe.get_doc(SUBSCRIPTION, account)
    doc.last_ping_at = now_datetime()
    _save(doc)
    return webhook_id


def _save(doc) -> None:
    frappe.local.flags[REGISTERING_FLAG_KEY] = True
    try:
        doc.save(ignore_permissions=True) if not doc.is_new() else doc.insert(ignore_permissions=True)
    finally:
        frappe.local.flags[REGISTERING_FLAG_KEY] = False
