"""Mollie Webhook Subscription: per account, the next-gen webhook registered at Mollie and its signing
secret(s). Written only by `bench --site S mollie webhooks register` (`frappe_integration.webhooks.registration`),
read by the endpoint's secrets source; the previous secret stays valid for a while after a re-registration.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document

REGISTERING_FLAG_KEY = "mollie_webhook_registering"


class MollieWebhookSubscription(Document):
    def validate(self):
        if not frappe.local.flags.get(REGISTERING_FLAG_KEY):
            frappe.throw(_("Register webhooks with: bench --site SITE mollie webhooks register"), frappe.PermissionError)
