"""Mollie Subscription Payment: one row per Mollie payment of a subscription, named by account and
payment id, so a payment seen by a webhook and again by the sync is counted once."""

from __future__ import annotations

import frappe
from frappe.model.document import Document


def payment_name(account: str, payment_id: str) -> str:
    return f"{account}:{payment_id}"


class MollieSubscriptionPayment(Document):
    def autoname(self):
        self.name = payment_name(self.account, self.payment_id)


def on_doctype_update():
    frappe.db.add_index("Mollie Subscription Payment", ["account", "due_date"], "idx_mollie_sub_payment_due")
