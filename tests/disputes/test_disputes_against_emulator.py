"""Disputes over HTTP against the emulator: one case per chargeback however often and by whichever
path it is found, reversal closes a case, staff transitions and permissions, recovery by a one-off
payment request with an Idempotency-Key derived from the case, and metrics equal to hand counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import ChargebacksClient, PaymentsClient
from verenigingen.verenigingen_payments.core.errors import APIConnectionError
from verenigingen.verenigingen_payments.disputes import (
    AWAITING_MEMBER, INVESTIGATING, RECOVERED, REVERSED, WRITTEN_OFF, DisputeError, DisputePermissionError,
    InvalidTransition, compute_dispute_metrics, explain_reason,
)
from verenigingen.verenigingen_payments.disputes.recovery import RecoveryService
from verenigingen.verenigingen_payments.disputes.sync import ChargebackSync
from verenigingen.verenigingen_payments.disputes.webhook_handler import ChargebackCaseHandler
from verenigingen.verenigingen_payments.webhooks.handlers import WebhookEffect

from .helpers import MANAGER, VIEWER, StepClock, config_for, service_on


def _effect(account, chargeback):
    return WebhookEffect("chargeback", chargeback["id"], None, f"chargeback:{chargeback['id']}", chargeback,
                         "chargeback.received", account, "whl_1")


def test_one_case_per_chargeback_under_repeated_syncs_webhooks_and_settlements(emulator, sql_engine):
    config = config_for(emulator)
    service = service_on(sql_engine)
    sync = ChargebackSync(service, config, clock=StepClock())
    first = sync.sync()
    chargebacks = ChargebacksClient(config).list_chargebacks()
    assert first.seen == first.opened == len(chargebacks) >= 3
    again = sync.sync()
    assert again.opened == 0 and sorted(again.case_ids) == sorted(first.case_ids)
    handler = ChargebackCaseHandler(service)
    for cb in chargebacks:
        handler.on_chargeback(_effect("small", cb.raw))
        handler.on_chargeback(_effect("small", cb.raw))
    settled = {cb.settlement_id for cb in chargebacks if cb.settlement_id}
    for settlement_id in settled:
        assert sync.sync_settlement(settlement_id).opened == 0
    cases = service.store.list_cases("small")
    assert sorted(c.chargeback_id for c in cases) == sorted(cb.id for cb in chargebacks)
    by_cb = {c.chargeback_id: c for c in cases}
    for cb in chargebacks:
        case = by_cb[cb.id]
        assert case.status == "open" and case.amount == cb.amount and case.payment_id == cb.payment_id
        assert case.reason_code == cb.reason["code"] and case.reason_description == cb.reason["description"]
        payment = PaymentsClient(config).get_payment(cb.payment_id)
        assert case.customer_id == payment.customer_id and case.method == "directdebit"
        assert case.deadline is not None and case.priority in ("urgent", "high", "medium", "low")


def test_a_new_chargeback_of_the_same_member_is_a_repeat_offence_with_higher_priority(emulator, sql_engine):
    config = config_for(emulator)
    service = service_on(sql_engine)
    sync = ChargebackSync(service, config, clock=StepClock())
    sync.sync()
    first = service.store.list_cases("small")[0]
    payments = PaymentsClient(config)
    again = next(p for p in payments.iter_payments() if p.customer_id == first.customer_id
                 and str(p.status.value) == "paid" and p.id != first.payment_id and p.amount_charged_back is None)
    emulator.control.trigger("payment.chargeback", again.id, reason=first.reason_code)
    report = sync.sync()
    assert report.opened == 1
    repeat = next(c for c in service.store.list_cases("small") if c.payment_id == again.id)
    assert repeat.repeat_offences == 1 and repeat.priority_score == first.priority_score + 2


def test_reversal_at_mollie_closes_the_case_as_reversed(emulator, sql_engine):
    config = config_for(emulator)
    service = service_on(sql_engine)
    ChargebackSync(service, config, clock=StepClock()).sync()
    cb = ChargebacksClient(config).list_chargebacks()[0]
    service.transition(service.store.find_by_chargeback("small", cb.id).case_id, INVESTIGATING, MANAGER)
    reversed_raw = {**cb.raw, "reversedAt": "2025-03-27T09:00:00+00:00"}
    case, created = service.open_case_for_chargeback("small", reversed_raw)
    assert not created and case.status == REVERSED and case.reversed_at.isoformat() == "2025-03-27T09:00:00+00:00"
    assert case.resolved_at is not None and case.resolution == "Reversed by Mollie"
    assert service.open_case_for_chargeback("small", reversed_raw)[0].version == case.version


def test_transitions_follow_the_workflow_and_need_a_manager(emulator, sql_engine):
    service = service_on(sql_engine)
    ChargebackSync(service, config_for(emulator), clock=StepClock()).sync()
    case = service.store.list_cases("small")[0]
    with pytest.raises(DisputePermissionError):
        service.transition(case.case_id, INVESTIGATING, VIEWER)
    with pytest.raises(DisputePermissionError):
        service.add_evidence(case.case_id, VIEWER, summary="note")
    service.transition(case.case_id, INVESTIGATING, MANAGER)
    service.transition(case.case_id, AWAITING_MEMBER, MANAGER)
    with pytest.raises(DisputeError, match="resolution is required"):
        service.transition(case.case_id, WRITTEN_OFF, MANAGER)
    done = service.transition(case.case_id, WRITTEN_OFF, MANAGER, resolution="Member left; amount below collection cost")
    assert done.status == WRITTEN_OFF and done.resolved_at is not None
    with pytest.raises(InvalidTransition):
        service.transition(case.case_id, INVESTIGATING, MANAGER)
    assert service.evidence(case.case_id, VIEWER) == []


def test_recovery_payment_is_idempotent_per_case_and_closes_the_case_when_paid(emulator, sql_engine):
    config = config_for(emulator)
    service = service_on(sql_engine)
    ChargebackSync(service, config, clock=StepClock()).sync()
    case = service.store.list_cases("small")[0]
    recovery = RecoveryService(service, config)
    with pytest.raises(DisputePermissionError):
        recovery.request_payment(case.case_id, VIEWER, redirect_url="https://example.org/bedankt")
    # The connection drops after Mollie created the payment: the case is left "requesting" at
    # attempt 1, and asking again must send the same Idempotency-Key and get the same payment.
    emulator.control.inject_fault(method="POST", path="/v2/payments", drop=True, count=1)
    with pytest.raises(APIConnectionError):
        recovery.request_payment(case.case_id, MANAGER, redirect_url="https://example.org/bedankt")
    assert service.get(case.case_id).recovery_status == "requesting"
    created_before = [r for r in emulator.control.request_log() if r["method"] == "POST"]
    updated, payment = recovery.request_payment(case.case_id, MANAGER, redirect_url="https://example.org/bedankt")
    posts = [r for r in emulator.control.request_log() if r["method"] == "POST"]
    assert len(created_before) == 1 and len(posts) == 2 and posts[1]["replayed"]
    assert updated.recovery_payment_id == payment.id and updated.recovery_attempt == 1
    assert updated.status == AWAITING_MEMBER and payment.amount.value == abs(case.amount.value)
    with pytest.raises(DisputeError, match="already has recovery payment"):
        recovery.request_payment(case.case_id, MANAGER, redirect_url="https://example.org/bedankt")
    assert recovery.refresh(case.case_id).status == AWAITING_MEMBER
    emulator.control.trigger("payment.paid", payment.id)
    closed = recovery.refresh(case.case_id)
    assert closed.status == RECOVERED and closed.recovery_status == "paid"


def test_metrics_equal_hand_computed_totals(emulator, sql_engine):
    config = config_for(emulator)
    clock = StepClock()
    service = service_on(sql_engine, clock=clock)
    ChargebackSync(service, config, clock=clock).sync()
    chargebacks = ChargebacksClient(config).list_chargebacks()
    cases = service.store.list_cases("small")
    clock.advance(days=2)
    service.transition(cases[0].case_id, RECOVERED, MANAGER)
    clock.advance(days=2)
    service.transition(cases[1].case_id, WRITTEN_OFF, MANAGER, resolution="small amount")
    service.transition(cases[2].case_id, WRITTEN_OFF, MANAGER, resolution="member deceased")
    metrics = compute_dispute_metrics(service.store.list_cases("small"))
    total = sum((cb.amount.value for cb in chargebacks), Decimal(0))
    assert metrics.total == len(chargebacks) and metrics.open == len(chargebacks) - 3
    assert sum(Decimal(b["amount"].get("EUR", "0")) for b in metrics.by_status.values()) == total
    hand_by_reason = {}
    for cb in chargebacks:
        count, amount = hand_by_reason.get(cb.reason["code"], (0, Decimal(0)))
        hand_by_reason[cb.reason["code"]] = (count + 1, amount + cb.amount.value)
    assert {r: (b["count"], Decimal(b["amount"]["EUR"])) for r, b in metrics.by_reason.items()} == hand_by_reason
    assert metrics.recovery_rate == "0.3333"
    assert metrics.recovered_amount == {"EUR": f"{cases[0].amount.value:f}"}
    assert metrics.average_days_to_resolve == "3.33"  # (2 + 4 + 4) / 3


@pytest.mark.parametrize("code", ["AC04", "AM04", "MD06", "MS02", "MD01", "AC01", "AC06", "AG01", "MD07", "SL01"])
def test_every_common_sepa_code_has_plain_language_and_an_action(code):
    info = explain_reason(code)
    assert info.code == code and info.explanation and info.suggested_action
    assert explain_reason(code.lower()) is info


def test_an_unknown_code_gets_the_generic_explanation():
    assert explain_reason("ZZ99").title == "Unknown reason" and explain_reason(None).title == "Unknown reason"
