"""The dispute store on SQLite and MariaDB: one case per chargeback under concurrency, optimistic
updates, evidence sealed at rest."""

from __future__ import annotations

import base64
import threading
from datetime import datetime, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from verenigingen.verenigingen_payments.core.security.encryption import FieldCipher
from verenigingen.verenigingen_payments.core.security.keys import KeyRing
from verenigingen.verenigingen_payments.disputes import ConcurrentUpdate, EvidenceSealer, InvalidTransition
from verenigingen.verenigingen_payments.disputes.model import INVESTIGATING
from verenigingen.verenigingen_payments.store.sql.tables.disputes import dispute_case, dispute_evidence

from .helpers import MANAGER, StepClock, service_on

CHARGEBACK = {
    "resource": "chargeback", "id": "chb_race1", "amount": {"value": "25.00", "currency": "EUR"},
    "settlementAmount": {"value": "-25.00", "currency": "EUR"}, "reason": {"code": "MD06", "description": "Refund"},
    "paymentId": "tr_race1", "createdAt": "2025-03-01T10:00:00+00:00", "reversedAt": None,
}


def test_concurrent_discoveries_make_exactly_one_case(sql_engine):
    service = service_on(sql_engine)
    results, errors = [], []
    barrier = threading.Barrier(8)

    def discover():
        try:
            barrier.wait()
            results.append(service.open_case_for_chargeback("acc", CHARGEBACK))
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=discover) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sum(created for _, created in results) == 1
    assert len({case.case_id for case, _ in results}) == 1
    with sql_engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(dispute_case)) == 1
    stored = service.store.find_by_chargeback("acc", "chb_race1")
    assert stored.amount.value == Decimal("25.00") and stored.status == "open" and stored.reason_code == "MD06"


def test_same_chargeback_id_in_two_accounts_is_two_cases(sql_engine):
    service = service_on(sql_engine)
    a, _ = service.open_case_for_chargeback("one", CHARGEBACK)
    b, _ = service.open_case_for_chargeback("two", CHARGEBACK)
    assert a.case_id != b.case_id


def test_a_stale_edit_is_refused_not_lost(sql_engine):
    service = service_on(sql_engine)
    case, _ = service.open_case_for_chargeback("acc", CHARGEBACK)
    service.assign(case.case_id, "alice", MANAGER)
    with pytest.raises(ConcurrentUpdate):
        service.store.save(case.transitioned(INVESTIGATING, "bob", datetime.now(timezone.utc)))
    assert service.get(case.case_id).assignee == "alice"


def test_evidence_body_is_encrypted_at_rest_and_readable_through_the_service(sql_engine):
    ring = KeyRing.from_spec("k1:" + base64.b64encode(b"k" * 32).decode())
    service = service_on(sql_engine, sealer=EvidenceSealer(FieldCipher(ring)))
    case, _ = service.open_case_for_chargeback("acc", CHARGEBACK)
    service.log_contact(case.case_id, MANAGER, "phone", "Phoned member", body="New IBAN NL91ABNA0417164300")
    with sql_engine.connect() as conn:
        raw = conn.execute(sa.select(dispute_evidence.c.body, dispute_evidence.c.summary)).one()
    assert raw.body.startswith("aesgcm1:") and "NL91" not in raw.body and raw.summary == "Phoned member"
    [evidence] = service.evidence(case.case_id, MANAGER)
    assert evidence.body == "New IBAN NL91ABNA0417164300" and evidence.contact_channel == "phone"


def test_history_survives_a_round_trip(sql_engine):
    clock = StepClock()
    service = service_on(sql_engine, clock=clock)
    case, _ = service.open_case_for_chargeback("acc", CHARGEBACK)
    clock.advance(days=1)
    service.transition(case.case_id, INVESTIGATING, MANAGER)
    stored = service.get(case.case_id)
    assert [h[2:] for h in stored.history] == [("", "open"), ("open", "investigating")]
    with pytest.raises(InvalidTransition):
        service.transition(case.case_id, "open", MANAGER)
