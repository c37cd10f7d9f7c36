"""An account's collections settings in a site: the Collections section of its Mollie Settings record
(with its per-reason-code policy rows) read into the core's `CollectionSettings` and `CollectionPolicy`,
checked on save, and which accounts the daily job covers."""

from __future__ import annotations

from datetime import datetime

import frappe

from verenigingen.verenigingen_payments.collection.account_settings import (
    PolicyRule,
    collection_config,
    settings_problems,
)
from verenigingen.verenigingen_payments.collection.policy import CollectionPolicy
from verenigingen.verenigingen_payments.collection.service import CollectionSettings
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import from_site_value
from verenigingen.verenigingen_payments.frappe_integration.settings.job_gate import usable

SETTINGS = "Mollie Settings"
FIELDS = ("enable_collections", "creditor_id", "collections_association", "collections_contact", "payment_redirect_url",
          "pre_notification_days", "reminder_interval_days", "collection_paydays")


def _rules(rows) -> list[PolicyRule]:
    return [PolicyRule(row.get("reason_code") or "", frappe.utils.cint(row.get("retries")), row.get("then_action") or "")
            for row in rows or ()]


def problems(doc) -> list[str]:
    """What is wrong with the record's Collections section (the controller throws them as one message)."""
    values = {field: doc.get(field) for field in FIELDS}
    for field in ("pre_notification_days", "reminder_interval_days"):
        if values[field] not in (None, ""):
            values[field] = frappe.utils.cint(values[field])
    return settings_problems(values, _rules(doc.get("collection_policies")))


def stamp_start(doc) -> None:
    """Collections follow failures from the moment they are first enabled, never older ones."""
    if doc.get("enable_collections") and not doc.get("collections_from"):
        doc.collections_from = frappe.utils.now_datetime()


def follow_from(name: str) -> datetime | None:
    """The account's `collections_from` as an aware instant (None when not set)."""
    return from_site_value(frappe.db.get_value(SETTINGS, name, "collections_from"))


def account_config(name: str) -> tuple[CollectionSettings, CollectionPolicy]:
    doc = frappe.get_doc(SETTINGS, name)
    return collection_config({field: doc.get(field) for field in FIELDS}, _rules(doc.get("collection_policies")),
                             webhook_url=doc.webhook_url)


def collection_accounts() -> list[str]:
    """The accounts whose backend API and collections are on, less those the job gate refused."""
    return usable(frappe.get_all(SETTINGS, filters={"enable_backend_api": 1, "enable_collections": 1}, pluck="name",
                                 order_by="name"))
