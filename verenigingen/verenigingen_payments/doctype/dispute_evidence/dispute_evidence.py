"""Dispute Evidence: notes, files and the contact log of a case; `body` is sealed at rest with the
app's AES-GCM envelope (bound to this row and field) when the account has encryption on."""

from __future__ import annotations

import frappe
from frappe.model.document import Document

from verenigingen.verenigingen_payments.core.security.encryption import is_envelope
from verenigingen.verenigingen_payments.disputes.evidence import DisputeEvidence as EvidenceRecord
from verenigingen.verenigingen_payments.disputes.evidence import EvidenceSealer
from verenigingen.verenigingen_payments.frappe_integration.security.seams import field_cipher


def sealer_for(settings_name: str | None) -> EvidenceSealer:
    enabled = settings_name and frappe.db.get_value("Mollie Settings", settings_name, "enable_encryption")
    return EvidenceSealer(field_cipher() if enabled else None)


def _record(doc) -> EvidenceRecord:
    return EvidenceRecord(doc.name, doc.dispute_case, doc.kind, frappe.utils.now_datetime(),
                          doc.author or frappe.session.user, doc.summary, doc.body, doc.contact_channel or None,
                          doc.file_url or None)


class DisputeEvidence(Document):
    def _settings_name(self) -> str | None:
        return frappe.db.get_value("Dispute Case", self.dispute_case, "settings_name")

    def before_insert(self):
        self.author = self.author or frappe.session.user
        self.recorded_at = self.recorded_at or frappe.utils.now_datetime()

    def validate(self):
        try:
            _record(self)
        except ValueError as exc:
            frappe.throw(str(exc))

    def before_save(self):
        if self.body and not is_envelope(self.body):
            self.body = sealer_for(self._settings_name()).seal(_record(self)).body

    def onload(self):
        if self.body and is_envelope(self.body):
            self.body = sealer_for(self._settings_name()).open(_record(self)).body
