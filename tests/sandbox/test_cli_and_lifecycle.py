"""The standalone CLI, and state changes driven through the control surface and the clock."""

from __future__ import annotations

import signal
import subprocess
import sys
from decimal import Decimal

import requests

from tests.sandbox.conftest import Api


def test_cli_prints_credentials_serves_and_stops_cleanly():
    proc = subprocess.Popen(
        [sys.executable, "-m", "verenigingen.verenigingen_payments.sandbox", "--port", "0", "--seed", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = dict(proc.stdout.readline().strip().split(": ", 1) for _ in range(3))
        assert lines["api_key"].startswith("test_") and len(lines["api_key"]) >= 35
        assert lines["organization_token"].startswith("access_") and len(lines["organization_token"]) >= 37
        resp = requests.get(lines["base_url"] + "/organizations/me", timeout=10,
                            headers={"Authorization": f"Bearer {lines['organization_token']}"})
        assert resp.status_code == 200 and resp.json()["resource"] == "organization"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_paid_payment_books_a_transaction_and_joins_the_open_settlement(emulator):
    key, org = Api(emulator, emulator.api_key), Api(emulator, emulator.organization_token)
    before_open = Decimal(org.get("/settlements/open").json()["amount"]["value"])
    before_balance = Decimal(org.get("/balances/primary").json()["availableAmount"]["value"])
    pid = key.post("/payments", {"amount": {"value": "30.00", "currency": "EUR"}, "description": "Jaarlidmaatschap",
                                 "redirectUrl": "https://e.org", "method": "ideal"}).json()["id"]
    paid = emulator.control.trigger("payment.paid", pid)["payment"]
    assert paid["status"] == "paid"
    net = Decimal("30.00") - Decimal("0.29") - Decimal("0.06")  # iDEAL fee 0.29 + 21% VAT
    assert Decimal(org.get("/settlements/open").json()["amount"]["value"]) == before_open + net
    assert Decimal(org.get("/balances/primary").json()["availableAmount"]["value"]) == before_balance + net
    bal = org.get("/balances/primary").json()["id"]
    newest = org.get(f"/balances/{bal}/transactions", params={"limit": 1}).json()["_embedded"]["balance_transactions"][0]
    assert newest["context"]["payment"]["paymentId"] == pid and newest["resultAmount"]["value"] == str(net)


def test_advancing_the_clock_settles_direct_debits_charges_subscriptions_and_pays_out(emulator):
    key, org = Api(emulator, emulator.api_key), Api(emulator, emulator.organization_token)
    settled_before = org.get("/settlements").json()["count"]
    pending = [p for p in key.get("/payments", params={"limit": 100}).json()["_embedded"]["payments"]
               if p["status"] == "pending"]
    assert pending
    payments_before = len(key.all_pages("/payments", "payments"))
    emulator.control.advance_clock(days=10)
    assert key.get(f"/payments/{pending[0]['id']}").json()["status"] == "paid"
    assert org.get("/settlements").json()["count"] > settled_before
    assert len(key.all_pages("/payments", "payments")) > payments_before  # April's subscription charges
    assert emulator.control.now().startswith("2025-04-07")


def test_subscription_payment_outcomes_and_suspended_mandate(emulator):
    key = Api(emulator, emulator.api_key)
    sub = next(s for s in key.all_pages("/subscriptions", "subscriptions") if s["status"] == "active")
    failed = emulator.control.trigger("subscription.payment", sub["id"], status="failed")["payment"]
    assert failed["status"] == "failed" and failed["subscriptionId"] == sub["id"]
    listed = key.all_pages(f"/customers/{sub['customerId']}/subscriptions/{sub['id']}/payments", "payments")
    assert listed[0]["id"] == failed["id"]
    emulator.control.trigger("mandate.invalid", sub["mandateId"])
    assert key.get(f"/customers/{sub['customerId']}/subscriptions/{sub['id']}").json()["status"] == "suspended"
    assert key.get(f"/customers/{sub['customerId']}/mandates/{sub['mandateId']}").json()["status"] == "invalid"


def test_bad_trigger_is_a_clear_control_error(emulator):
    try:
        emulator.control.trigger("payment.paid", "tr_doesnotexist")
    except RuntimeError as exc:
        assert "no payment" in str(exc)
    else:
        raise AssertionError("expected an error")
