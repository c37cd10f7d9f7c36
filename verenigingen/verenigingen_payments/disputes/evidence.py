"""Dispute Evidence: notes, files and the member contact log of a case.

`summary` is what a list may show (e.g. "Phoned member"); `body` (what the member said, bank
details, addresses) is sensitive and is sealed with the core AES-GCM envelope, bound to the
evidence id and field, whenever a cipher is configured (Mollie Settings `enable_encryption`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ..core.security.encryption import FieldCipher, FieldContext, is_envelope

NOTE, CONTACT, FILE = "note", "contact", "file"
EVIDENCE_KINDS = (NOTE, CONTACT, FILE)
CONTACT_CHANNELS = ("email", "phone", "letter", "in-person", "other")
RECORD_TYPE = "Dispute Evidence"


@dataclass(frozen=True)
class DisputeEvidence:
    evidence_id: str
    case_id: str
    kind: str
    created_at: datetime
    author: str
    summary: str
    body: str | None = None
    contact_channel: str | None = None
    file_url: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"evidence kind must be one of {EVIDENCE_KINDS}, not {self.kind!r}")
        if self.kind == CONTACT and self.contact_channel not in CONTACT_CHANNELS:
            raise ValueError(f"contact_channel must be one of {CONTACT_CHANNELS}, not {self.contact_channel!r}")
        if self.kind == FILE and not self.file_url:
            raise ValueError("file evidence needs file_url")
        if not self.summary.strip():
            raise ValueError("evidence needs a summary")


class EvidenceSealer:
    """Seals `body` before it is stored and opens it after it is read; a no-op without a cipher."""

    def __init__(self, cipher: FieldCipher | None) -> None:
        self._cipher = cipher

    @property
    def encrypting(self) -> bool:
        return self._cipher is not None

    def _context(self, evidence: DisputeEvidence) -> FieldContext:
        return FieldContext(RECORD_TYPE, evidence.evidence_id, "body")

    def seal(self, evidence: DisputeEvidence) -> DisputeEvidence:
        if self._cipher is None or evidence.body is None:
            return evidence
        return replace(evidence, body=self._cipher.encrypt(evidence.body, self._context(evidence)))

    def open(self, evidence: DisputeEvidence) -> DisputeEvidence:
        if evidence.body is None or not is_envelope(evidence.body):
            return evidence
        if self._cipher is None:
            raise ValueError(f"evidence {evidence.evidence_id}: body is encrypted but no encryption keys are configured")
        return replace(evidence, body=self._cipher.decrypt_text(evidence.body, self._context(evidence)))
