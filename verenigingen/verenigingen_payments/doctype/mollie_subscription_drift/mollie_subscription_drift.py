"""Mollie Subscription Drift: one row per (account, Mollie subscription, field) that differs from the
local record; reopened when Mollie's value changes again after a resolution."""

from __future__ import annotations

from frappe.model.document import Document


def drift_name(account: str, subscription_id: str, field: str) -> str:
    return f"{account}:{subscription_id}:{field}"


class MollieSubscriptionDrift(Document):
    def autoname(self):
        self.name = drift_name(self.account, self.subscription_id, self.drift_field)
