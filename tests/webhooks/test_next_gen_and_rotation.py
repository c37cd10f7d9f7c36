"""Signed next-gen events from the emulator: out-of-order arrival, event-id dedupe, secret rotation."""

from __future__ import annotations

import time
from contextlib import ExitStack
from datetime import datetime
from decimal import Decimal

import pytest
import requests

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus
from verenigingen.verenigingen_payments.webhooks import HandlerRegistry, WebhookSecrets
from verenigingen.verenigingen_payments.webhooks.builtin_handlers import register_builtin_handlers
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher

from .conftest import CLASSIC_SECRET, RecordingHandler, emulator_config
from .wiring import wire

UNREACHABLE = "http://127.0.0.1:9/webhook"  # the discard port: deliveries fail and stay in the log


@pytest.fixture
def stack():
    with ExitStack() as s:
        yield s


@pytest.fixture
def emulator_clock(emulator, clock):
    clock.now = datetime.fromisoformat(emulator.control.now())
    return clock


def _create_hook(emulator, url: str, event_types="*") -> dict:
    response = requests.post(f"{emulator.base_url}/webhooks", timeout=10,
                             headers={"Authorization": f"Bearer {emulator.organization_token}"},
                             json={"name": "finance", "url": url, "eventTypes": event_types})
    assert response.status_code == 201, response.text
    return response.json()


def _undelivered(emulator, count: int, timeout: float = 10.0) -> list[dict]:
    """The first attempts the emulator made to the unreachable URL (body and signature as sent)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        firsts = [d for d in emulator.control.webhook_deliveries()
                  if d["url"].startswith(UNREACHABLE) and d["attempt"] == 1]
        if len(firsts) >= count:
            return firsts
        time.sleep(0.02)
    raise AssertionError("the emulator did not attempt the deliveries")


def _first_delivery(emulator, matches, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [d for d in emulator.control.webhook_deliveries() if matches(d)]
        if found:
            return found[0]
        time.sleep(0.02)
    raise AssertionError("no such delivery")


def _replay_to(url: str, delivery: dict) -> requests.Response:
    return requests.post(url, data=delivery["body"].encode(), timeout=20, headers={
        "Content-Type": "application/json", "X-Mollie-Signature": delivery["signature"]})


def test_events_arriving_out_of_order_leave_the_ledger_at_mollies_latest_state(
    stack, emulator, webhook_store, redis_url, redis_prefix, emulator_clock
):
    hook = _create_hook(emulator, UNREACHABLE)
    ledger = SqlPaymentLedger(webhook_store.engine)
    recorder = RecordingHandler()
    registry = HandlerRegistry()
    register_builtin_handlers(registry, ledger=ledger,
                              fetcher=ClientsResourceFetcher(lambda account: emulator_config(emulator)))
    registry.register("*", recorder)
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=emulator_clock, registry=registry,
                 secrets=WebhookSecrets(classic={"Production": [CLASSIC_SECRET]},
                                        signing={"Production": [hook["webhookSecret"]]}))
    payment = wired.payments().create_payment(Amount.of("30.00", "EUR"), "Contributie",
                                              redirect_url="https://example.org/thanks")
    emulator.control.trigger("payment.paid", payment.id)
    emulator.control.trigger("payment.refund", payment.id, amount="12.50")
    paid_event, refund_event = _undelivered(emulator, 2)
    assert '"payment.paid"' in paid_event["body"] and '"refund.' in refund_event["body"]

    assert _replay_to(wired.url, refund_event).status_code == 200  # the later event first
    assert _replay_to(wired.url, paid_event).status_code == 200
    wired.drain()

    stored = ledger.get_payments("Production", [payment.id])[payment.id]
    assert stored.status == "paid"
    assert stored.amount_refunded == Amount(Decimal("12.50"), "EUR")
    assert sorted(r.status.value for r in webhook_store.find()) == ["processed", "processed"]
    assert {e.resource_type for e in recorder.effects} == {"refund", "payment"}

    assert _replay_to(wired.url, paid_event).json()["status"] == "duplicate"  # Mollie's retry of the same event


def test_both_signing_secrets_are_accepted_during_a_rotation_and_the_old_one_is_refused_after(
    stack, emulator, webhook_store, redis_url, redis_prefix, emulator_clock
):
    old_hook = _create_hook(emulator, UNREACHABLE)
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=emulator_clock)
    new_hook = _create_hook(emulator, UNREACHABLE + "?new")
    wired.secrets.secrets = WebhookSecrets(signing={"Production": [old_hook["webhookSecret"], new_hook["webhookSecret"]]})
    payment = wired.payments().create_payment(Amount.of("10.00", "EUR"), "Contributie",
                                              redirect_url="https://example.org/thanks")
    emulator.control.trigger("payment.paid", payment.id)
    deliveries = _undelivered(emulator, 2)
    signed_old = next(d for d in deliveries if d["url"] == UNREACHABLE)
    deliveries.sort(key=lambda d: d["url"] != UNREACHABLE)
    assert signed_old["signature"] != deliveries[-1]["signature"]

    answers = [_replay_to(wired.url, d) for d in deliveries]
    assert [a.status_code for a in answers] == [200, 200]
    first, second = (a.json()["status"] for a in answers)
    assert first in ("processed", "retry_queued") and second == "duplicate"  # one event, sent to both hooks

    wired.secrets.secrets = WebhookSecrets(signing={"Production": [new_hook["webhookSecret"]]})
    refused = _replay_to(wired.url, signed_old)
    assert (refused.status_code, refused.json()["reason"]) == (403, "invalid_signature")
    wired.drain()
    assert len(wired.recorder.keys_for(payment.id)) == 1


def test_both_classic_secrets_are_accepted_during_a_rotation(stack, emulator, webhook_store, redis_url,
                                                               redis_prefix, clock):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock)
    wired.secrets.secrets = WebhookSecrets(classic={"Production": [CLASSIC_SECRET, "rotated-secret-0000001"]})
    payment_id = wired.paid_payment()  # its webhookUrl still carries the old secret
    rotated = requests.post(f"{wired.url}?secret=rotated-secret-0000001", data={"id": payment_id}, timeout=20)
    assert rotated.status_code == 200
    wired.secrets.secrets = WebhookSecrets(classic={"Production": ["rotated-secret-0000001"]})
    emulator.control.trigger("payment.refund", payment_id, amount="1.00")
    refused = _first_delivery(emulator, lambda d: d["resource_id"] == payment_id and d["status"] == 403)
    assert refused["attempt"] == 1  # Mollie will retry it; the operator can still fix the secret
    assert [r.rejection_reason for r in webhook_store.find(status=WebhookStatus.REJECTED)] == ["invalid_secret"]


def test_a_ping_from_the_emulator_is_answered_and_logged(stack, emulator, webhook_store, redis_url, redis_prefix,
                                                         emulator_clock):
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=emulator_clock)
    hook = _create_hook(emulator, wired.url)
    wired.secrets.secrets = WebhookSecrets(signing={"Production": [hook["webhookSecret"]]})
    response = requests.post(f"{emulator.base_url}/webhooks/{hook['id']}/ping", timeout=10,
                             headers={"Authorization": f"Bearer {emulator.organization_token}"})
    assert response.status_code == 202
    assert emulator.control.wait_for_webhooks(timeout=10)
    [delivery] = [d for d in emulator.control.webhook_deliveries() if d["url"] == wired.url]
    assert delivery["status"] == 200
    [row] = webhook_store.find()
    assert (row.status, row.event_type, row.signature_result) == (WebhookStatus.IGNORED, "webhook.ping",
                                                                   "valid_signature")


def test_a_chargeback_event_is_fetched_through_its_payment_and_reaches_the_ledger(
    stack, emulator, webhook_store, redis_url, redis_prefix, emulator_clock
):
    ledger = SqlPaymentLedger(webhook_store.engine)
    registry = register_builtin_handlers(
        HandlerRegistry(), ledger=ledger, fetcher=ClientsResourceFetcher(lambda account: emulator_config(emulator)))
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=emulator_clock, registry=registry)
    hook = _create_hook(emulator, wired.url, event_types=["payment.paid", "chargeback.received"])
    wired.secrets.secrets = WebhookSecrets(signing={"Production": [hook["webhookSecret"]]})
    payment = wired.payments().create_payment(Amount.of("20.00", "EUR"), "Contributie",
                                              redirect_url="https://example.org/thanks")
    emulator.control.trigger("payment.paid", payment.id)
    emulator.control.trigger("payment.chargeback", payment.id, amount="20.00", reason="AM04")
    wired.settle()
    rows = webhook_store.find()
    assert sorted((r.resource_type, r.status.value) for r in rows) == [
        ("chargeback", "processed"), ("payment", "processed")]
    chargeback_row = next(r for r in rows if r.resource_type == "chargeback")
    assert chargeback_row.parent_id == payment.id and chargeback_row.resource_id.startswith("chb_")
    stored = ledger.get_payments("Production", [payment.id])[payment.id]
    assert stored.amount_charged_back == Amount(Decimal("20.00"), "EUR")
