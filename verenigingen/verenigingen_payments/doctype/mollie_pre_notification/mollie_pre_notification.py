"""Mollie Pre-notification: one SEPA pre-notification of one collection, kept with the subscription
payment it announced. Written by the collections job (`frappe_integration.collections.store`), read-only
for staff; status exception lists the members who must be told another way."""

from __future__ import annotations

import frappe
from frappe.model.document import Document


class MolliePrenotification(Document):
    pass


def on_doctype_update():
    frappe.db.add_index("Mollie Pre-notification", ["settings_name", "collection_key"], "idx_prenotification_collection")
