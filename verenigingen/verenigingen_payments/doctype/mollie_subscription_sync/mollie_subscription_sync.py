"""Mollie Subscription Sync: the resumable checkpoint of an account's 6-hourly subscription sync."""

from __future__ import annotations

from frappe.model.document import Document


class MollieSubscriptionSync(Document):
    pass
