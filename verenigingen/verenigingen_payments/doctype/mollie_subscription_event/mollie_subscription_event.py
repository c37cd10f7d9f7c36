"""Mollie Subscription Event: a counted lifecycle fact. The name is a digest of (account, event key),
so recording the same fact twice — even from two workers at once — fails on the primary key."""

from __future__ import annotations

import hashlib

import frappe
from frappe.model.document import Document


def event_name(account: str, event_key: str) -> str:
    return hashlib.sha256(f"{account}\x1f{event_key}".encode()).hexdigest()[:32]


class MollieSubscriptionEvent(Document):
    def autoname(self):
        self.name = event_name(self.account, self.event_key)


def on_doctype_update():
    frappe.db.add_index("Mollie Subscription Event", ["account", "at"], "idx_mollie_sub_event_at")
