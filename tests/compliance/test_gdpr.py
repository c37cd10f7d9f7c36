"""GDPR primitives on the SQL store: encrypted export, erasure keeping the chain, retention cutoff."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest

from verenigingen.verenigingen_payments.core.compliance.gdpr import (
    build_export,
    decrypt_export,
    encrypt_export,
    erase_subject,
    retention_cutoff,
)
from verenigingen.verenigingen_payments.core.security.audit import AuditTrail
from verenigingen.verenigingen_payments.core.security.audit_verify import verify_chain
from verenigingen.verenigingen_payments.core.security.encryption import FieldCipher
from verenigingen.verenigingen_payments.core.security.errors import DecryptionError
from verenigingen.verenigingen_payments.core.security.keys import KeyRing
from verenigingen.verenigingen_payments.store.sql import SqlAuditLogStore, SqlPseudonymStore

RING = KeyRing.from_spec("a1:" + base64.b64encode(b"a" * 32).decode())
CIPHER = FieldCipher(KeyRing.from_spec("e1:" + base64.b64encode(b"e" * 32).decode()))
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_export_holds_the_subjects_records_and_audit_entries_and_is_encrypted(sql_engine):
    store, pseudonyms = SqlAuditLogStore(sql_engine), SqlPseudonymStore(sql_engine)
    trail = AuditTrail(store, RING, chain_id="site", pseudonyms=pseudonyms)
    trail.record("dispute_opened", subject=("customer", "cst_canary"), details={"chargeback": "chb_1"})
    trail.record("dispute_opened", subject=("customer", "cst_other"))
    ledger = {"payments": lambda kind, sid: [{"id": "tr_1", "customer": sid, "amount": "12.50"}]}
    bundle = build_export("customer", "cst_canary", now=NOW, trail=trail, audit_store=store, sections=ledger)
    assert bundle["sections"]["payments"][0]["id"] == "tr_1"
    assert [e["sequence"] for e in bundle["audit_entries"]] == [1]
    envelope = encrypt_export(bundle, CIPHER, "EXP-1")
    assert "cst_canary" not in envelope
    assert decrypt_export(envelope, CIPHER, "EXP-1") == bundle
    with pytest.raises(DecryptionError):
        decrypt_export(envelope, CIPHER, "EXP-2")


def test_erasure_pseudonymises_without_breaking_the_chain(sql_engine):
    store, pseudonyms = SqlAuditLogStore(sql_engine), SqlPseudonymStore(sql_engine)
    trail = AuditTrail(store, RING, chain_id="site", pseudonyms=pseudonyms)
    trail.record("refund_created", subject=("member", "MEM-7"), details={"amount": "5.00"})
    token = trail.subject_token("member", "MEM-7")
    assert pseudonyms.resolve(token) == "MEM-7"
    assert erase_subject("member", "MEM-7", trail=trail, pseudonyms=pseudonyms) == 1
    assert pseudonyms.resolve(token) is None
    assert verify_chain(store, RING, "site").ok
    assert [e.event_type for e in store.iter_entries("site")] == ["refund_created", "gdpr_erasure"]
    assert "MEM-7" not in " ".join(e.details for e in store.iter_entries("site"))


@pytest.mark.parametrize("now, days, cutoff", [
    (datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc), 30, datetime(2025, 1, 29, 23, 0, tzinfo=timezone.utc)),
    # 00:30 Amsterdam on 1 July is still 30 June in UTC: the Amsterdam date counts
    (datetime(2025, 6, 30, 22, 30, tzinfo=timezone.utc), 1, datetime(2025, 6, 29, 22, 0, tzinfo=timezone.utc)),
])
def test_retention_cutoff_is_the_start_of_an_amsterdam_day(now, days, cutoff):
    assert retention_cutoff(now, days) == cutoff


def test_retention_cutoff_refuses_naive_times_and_nonsense_periods():
    with pytest.raises(ValueError, match="timezone-aware"):
        retention_cutoff(datetime(2025, 1, 1), 30)
    with pytest.raises(ValueError, match="at least 1"):
        retention_cutoff(NOW, 0)
