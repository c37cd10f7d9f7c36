"""Mollie Dunning Case: one member's dues period whose collection failed. The collections job keeps it
(`frappe_integration.collections.store`, compare-and-set on `version`, never through this controller);
the state machine lives in the framework-free `collection.dunning`. A save from the desk changes only
the note and "Member Not Reached" (cleared once staff reached the member another way): every other value
is put back as the job left it."""

from __future__ import annotations

import frappe
from frappe.model.document import Document

STAFF_FIELDS = ("note", "unreached", "unreached_reason")


class MollieDunningCase(Document):
    def validate(self):
        before = None if self.is_new() else self.get_doc_before_save()
        if before is None:
            return
        for field in self.meta.fields:
            if field.fieldname not in STAFF_FIELDS and field.fieldtype not in ("Section Break", "Column Break"):
                self.set(field.fieldname, before.get(field.fieldname))
        if not self.unreached:
            self.unreached_reason = None


def on_doctype_update():
    """The job lists an account's cases by state every day."""
    frappe.db.add_index("Mollie Dunning Case", ["settings_name", "state"], "idx_dunning_account_state")
