"""Mollie Subscription: a member's dues on Mollie, one record per membership term.

Written only by the subscription service through `frappe_integration.subscriptions.store`; every field
is read-only in the desk. Managers act through `api.subscriptions` (cancel, reactivate, resolve drift).
"""

from __future__ import annotations

import frappe
from frappe.model.document import Document

KEY_UNIQUE = "unique_mollie_subscription_term"
SUBSCRIPTION_UNIQUE = "unique_mollie_subscription_id"


def record_name(account: str, member_reference: str, term: int) -> str:
    """The record's name, derived from its key so that every writer names it alike."""
    return f"{account}:{member_reference}:{int(term)}"


class MollieSubscription(Document):
    def autoname(self):
        self.name = record_name(self.account, self.member_reference, self.term)


def on_doctype_update():
    """One record per (account, member, term); a Mollie subscription id belongs to one record."""
    frappe.db.add_unique("Mollie Subscription", ["account", "member_reference", "term"], KEY_UNIQUE)
    frappe.db.add_unique("Mollie Subscription", ["account", "subscription_id"], SUBSCRIPTION_UNIQUE)
    frappe.db.add_index(
        "Mollie Subscription", ["account", "first_payment_id"], "idx_mollie_subscription_first"
    )
