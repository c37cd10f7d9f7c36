"""GDPR primitives: an encrypted, machine-readable export bundle, erasure by pseudonymisation,
and the retention cutoff. Store-backed and framework-free; features contribute their sections."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

from ...store.interfaces import AuditLogStore, PseudonymStore
from ..security.audit import AuditTrail
from ..security.audit_canonical import normalise_json_value, canonical_json
from ..calendar import AMSTERDAM, amsterdam_midnight
from ..security.encryption import FieldCipher, FieldContext

EXPORT_FORMAT = "verenigingen-gdpr-export/1"
SectionProvider = Callable[[str, str], list[Mapping]]
"""(subject kind, subject id) -> the records one feature holds about the subject."""


def retention_cutoff(now: datetime, retention_days: int) -> datetime:
    """Records created before this instant are past retention: the start (Europe/Amsterdam) of the
    day `retention_days` days before `now`'s Amsterdam date, as aware UTC."""
    if now.tzinfo is None:
        raise ValueError("retention_cutoff needs a timezone-aware `now`")
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    day = now.astimezone(AMSTERDAM).date() - timedelta(days=retention_days)
    return amsterdam_midnight(day).astimezone(timezone.utc)


def build_export(kind: str, subject_id: str, *, now: datetime, trail: AuditTrail, audit_store: AuditLogStore,
                 sections: Mapping[str, SectionProvider]) -> dict:
    """Everything this app holds about one subject, as JSON-able data (audit entries found by the
    subject's pseudonymous tokens under every audit-key version)."""
    audit = []
    for token in trail.subject_tokens(kind, subject_id):
        audit += [asdict(e) for e in audit_store.find(subject_token=token, limit=100_000)]
    bundle = {
        "format": EXPORT_FORMAT,
        "subject": {"kind": kind, "id": subject_id},
        "generated_at": now,
        "sections": {name: provider(kind, subject_id) for name, provider in sections.items()},
        "audit_entries": audit,
    }
    return normalise_json_value(bundle, "export")


def encrypt_export(bundle: Mapping, cipher: FieldCipher, export_id: str) -> str:
    """The bundle as canonical JSON in an AES-GCM envelope bound to this export's id."""
    return cipher.encrypt(canonical_json(bundle), FieldContext("GDPR Export", export_id, "bundle"))


def decrypt_export(envelope: str, cipher: FieldCipher, export_id: str) -> dict:
    return json.loads(cipher.decrypt_text(envelope, FieldContext("GDPR Export", export_id, "bundle")))


def erase_subject(kind: str, subject_id: str, *, trail: AuditTrail, pseudonyms: PseudonymStore,
                  actor: str = "system") -> int:
    """Forget the subject's token mappings (every key version) so records carrying the tokens are no
    longer attributable; the audit chain and financial totals are untouched. Audited by token."""
    tokens = trail.subject_tokens(kind, subject_id)
    forgotten = sum(1 for token in tokens if pseudonyms.forget(token))
    trail.record("gdpr_erasure", actor=actor, resource_type=kind, details={
        "subject_tokens": tokens, "mappings_forgotten": forgotten})
    return forgotten
