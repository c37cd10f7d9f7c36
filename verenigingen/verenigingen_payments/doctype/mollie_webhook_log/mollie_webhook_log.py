"""Mollie Webhook Log: one row per webhook delivery, written only by the webhook store
(`frappe_integration.webhooks.store`, plain SQL); through the desk and the ORM nobody inserts, edits,
renames or deletes a row. Managers reprocess a row with the form's Replay button (`replay`).
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.model.document import Document

from verenigingen.verenigingen_payments.api.conventions import checked_arguments, require_role
from verenigingen.verenigingen_payments.frappe_integration.common.roles import MANAGE_ROLES

DOCTYPE = "Mollie Webhook Log"
PROCESSED_INDEX = "idx_webhook_processed"  # the deployment guide's (webhook_id, processed)


class WebhookLogIsReadOnly(frappe.PermissionError):
    """An attempt to write a webhook log row other than through the webhook store."""


def _refuse(message: str) -> None:
    frappe.throw(message, WebhookLogIsReadOnly, title=_("Mollie Webhook Log is read-only"))


class MollieWebhookLog(Document):
    def before_insert(self):
        _refuse(_("Webhook log rows are written only by the webhook endpoint."))

    def validate(self):
        _refuse(_("Webhook log row {0} cannot be changed; use Replay to reprocess it.").format(self.name))

    def before_rename(self, old, new, merge=False):
        _refuse(_("Webhook log rows cannot be renamed."))

    def on_trash(self):
        _refuse(_("Webhook log rows cannot be deleted; personal data is purged by the retention job."))


@frappe.whitelist(methods=["POST"])
@checked_arguments
def replay(name: str) -> dict:
    """Reprocess one delivery (managers). The effect dedupe makes a replay of an applied state a no-op."""
    require_role(MANAGE_ROLES)
    if not frappe.db.exists(DOCTYPE, name):
        frappe.throw(_("There is no Mollie Webhook Log {0}.").format(name), frappe.DoesNotExistError)
    from verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs import replay as replay_rows

    queued = replay_rows(ids=[name])
    return {"name": name, "queued": bool(queued),
            "status": frappe.db.get_value(DOCTYPE, name, "status")}


def on_doctype_update():
    """After Frappe syncs the DocType: the guide's index, and those of the retry job and the desk."""
    frappe.db.add_index(DOCTYPE, ["webhook_id", "processed"], PROCESSED_INDEX)
    frappe.db.add_index(DOCTYPE, ["status", "next_attempt_at"], "idx_webhook_log_due")
    frappe.db.add_index(DOCTYPE, ["resource_id"], "idx_webhook_log_resource")
    frappe.db.add_index(DOCTYPE, ["received_at"], "idx_webhook_log_received")
