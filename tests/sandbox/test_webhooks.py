"""Webhook delivery: classic form posts with Mollie's retry schedule (time-scaled) and next-gen
signed events; only loopback URLs are called."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from tests.sandbox.conftest import Api
from tests.sandbox.receiver import Receiver

BODY = {"amount": {"value": "20.00", "currency": "EUR"}, "description": "Lidmaatschap", "redirectUrl": "https://e.org"}


@pytest.fixture
def receiver():
    r = Receiver(statuses=[500, 503])
    yield r
    r.close()


def test_classic_webhook_is_retried_until_2xx(emulator_factory, receiver):
    emu = emulator_factory(time_scale=0.0005)  # 1 minute -> 30 ms
    key = Api(emu, emu.api_key)
    pid = key.post("/payments", {**BODY, "webhookUrl": receiver.url}).json()["id"]
    emu.control.trigger("payment.paid", pid)
    assert receiver.wait_for(3)
    assert [r["form"] for r in receiver.requests] == [{"id": pid}] * 3
    assert receiver.requests[0]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert emu.control.wait_for_webhooks()
    log = emu.control.webhook_deliveries()
    assert [(d["attempt"], d["status"]) for d in log] == [(1, 500), (2, 503), (3, 200)]
    assert key.get(f"/payments/{pid}").json()["status"] == "paid"


def test_refund_and_chargeback_notify_the_payment_webhook(emulator_factory):
    emu = emulator_factory(time_scale=0.0005)
    receiver = Receiver()
    try:
        key = Api(emu, emu.api_key)
        pid = key.post("/payments", {**BODY, "webhookUrl": receiver.url}).json()["id"]
        emu.control.trigger("payment.paid", pid)
        emu.control.trigger("payment.refund", pid, amount="5.00")
        emu.control.trigger("payment.chargeback", pid, reason="AM04")
        assert receiver.wait_for(3)
        assert {r["form"]["id"] for r in receiver.requests} == {pid}
        payment = key.get(f"/payments/{pid}").json()
        assert payment["amountRefunded"]["value"] == "5.00" and payment["amountChargedBack"]["value"] == "15.00"
    finally:
        receiver.close()


def test_next_gen_events_are_signed_with_the_configured_secret(emulator_factory):
    secret = "s3cr3t-for-tests-only-0123456789"
    emu = emulator_factory(webhook_secret=secret)
    receiver = Receiver()
    try:
        org, key = Api(emu, emu.organization_token), Api(emu, emu.api_key)
        hook = org.post("/webhooks", {"name": "finance", "url": receiver.url, "eventTypes": ["payment.paid"]}).json()
        assert hook["webhookSecret"] == secret
        pid = key.post("/payments", BODY).json()["id"]
        emu.control.trigger("payment.paid", pid)
        assert receiver.wait_for(1)
        request = receiver.requests[0]
        expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
        assert request["headers"]["X-Mollie-Signature"] == expected
        event = json.loads(request["body"])
        assert event["type"] == "payment.paid" and event["entityId"] == pid
        assert event["_embedded"]["entity"]["status"] == "paid"
        assert org.get(f"/events/{event['id']}").json()["id"] == event["id"]
    finally:
        receiver.close()


def test_only_loopback_urls_are_called(emulator):
    key = Api(emulator, emulator.api_key)
    pid = key.post("/payments", {**BODY, "webhookUrl": "https://example.org/hook"}).json()["id"]
    emulator.control.trigger("payment.failed", pid)
    assert emulator.control.wait_for_webhooks()
    log = emulator.control.webhook_deliveries()
    assert log[0]["error"].startswith("refused") and log[0]["status"] is None


def test_operator_can_send_many_deliveries(emulator_factory, receiver):
    emu = emulator_factory(time_scale=0.0005)
    emu.control.deliver_webhook("tr_anything", url=receiver.url, count=5)
    assert receiver.wait_for(5 + 2)  # the first two answers are 500/503, retried after ~30 ms
    assert emu.control.wait_for_webhooks()
    assert sum(1 for d in emu.control.webhook_deliveries() if d["status"] == 200) == 5


def test_secret_rotation_and_ping(emulator_factory):
    emu = emulator_factory()
    receiver = Receiver()
    try:
        org, key = Api(emu, emu.organization_token), Api(emu, emu.api_key)
        hook = org.post("/webhooks", {"name": "f", "url": receiver.url, "eventTypes": "payment.paid,payment.failed"}).json()
        assert org.post(f"/webhooks/{hook['id']}/ping").status_code == 202
        assert receiver.wait_for(1)
        new_secret = emu.control.rotate_webhook_secret(hook["id"])
        assert new_secret != hook["webhookSecret"]
        pid = key.post("/payments", BODY).json()["id"]
        emu.control.trigger("payment.failed", pid)
        assert receiver.wait_for(2)
        body = receiver.requests[1]["body"]
        signature = receiver.requests[1]["headers"]["X-Mollie-Signature"]
        assert signature == "sha256=" + hmac.new(new_secret.encode(), body, hashlib.sha256).hexdigest()
        assert signature != "sha256=" + hmac.new(hook["webhookSecret"].encode(), body, hashlib.sha256).hexdigest()
    finally:
        receiver.close()
