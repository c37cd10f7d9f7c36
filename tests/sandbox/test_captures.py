"""Manual capture as Mollie documents it ("Place a hold for a payment"): a `captureMode: manual` card
payment is authorized at checkout, a capture pays it and books a `capture` balance transaction; plus
Create customer payment. Every response is checked against the spec by the `emulator` fixture."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from .conftest import Api

HOLD = {"amount": {"value": "10.00", "currency": "EUR"}, "description": "Zaalhuur", "method": "creditcard",
        "captureMode": "manual", "redirectUrl": "https://example.org/done"}


def authorized(key: Api, emulator, **changes) -> dict:
    created = key.post("/payments", {**HOLD, **changes})
    assert created.status_code == 201, created.text
    return emulator.control.trigger("payment.authorized", created.json()["id"])["payment"]


def test_a_hold_is_authorized_then_a_partial_capture_pays_it_and_books_a_capture(key, org, emulator):
    created = key.post("/payments", HOLD).json()
    assert (created["status"], created["captureMode"], created["amountCaptured"]["value"]) == ("open", "manual", "0.00")
    payment = emulator.control.trigger("payment.authorized", created["id"])["payment"]
    assert payment["status"] == "authorized" and payment["captureBefore"] > payment["authorizedAt"]
    assert key.all_pages(f"/payments/{payment['id']}/captures", "captures") == []

    capture = key.post(f"/payments/{payment['id']}/captures",
                       {"amount": {"value": "6.00", "currency": "EUR"}, "description": "Eerste dag"})
    assert capture.status_code == 201, capture.text
    capture = capture.json()
    assert (capture["status"], capture["amount"], capture["paymentId"]) == (
        "succeeded", {"value": "6.00", "currency": "EUR"}, payment["id"])
    paid = key.get(f"/payments/{payment['id']}").json()
    assert (paid["status"], paid["amountCaptured"]["value"], paid["amountRemaining"]["value"]) == ("paid", "6.00", "6.00")
    assert paid["_links"]["captures"]["href"].endswith(f"/payments/{payment['id']}/captures")
    assert [c["id"] for c in key.all_pages(f"/payments/{payment['id']}/captures", "captures")] == [capture["id"]]
    assert key.get(f"/payments/{payment['id']}/captures/{capture['id']}").json() == capture

    balance = org.get("/balances/primary").json()["id"]
    newest = org.get(f"/balances/{balance}/transactions", params={"limit": 1}).json()["_embedded"]["balance_transactions"][0]
    assert (newest["type"], newest["initialAmount"]["value"], newest["context"]["capture"]["captureId"]) == (
        "capture", "6.00", capture["id"])
    assert newest["deductions"]["value"].startswith("-")


def test_a_capture_joins_the_settlement_of_its_time(key, org, emulator):
    payment = authorized(key, emulator)
    before = Decimal(org.get("/settlements/open").json()["amount"]["value"])
    capture = key.post(f"/payments/{payment['id']}/captures").json()
    assert capture["amount"]["value"] == "10.00" and "settlementId" not in capture
    balance = org.get("/balances/primary").json()["id"]
    booked = org.get(f"/balances/{balance}/transactions", params={"limit": 1}).json()["_embedded"]["balance_transactions"][0]
    after = Decimal(org.get("/settlements/open").json()["amount"]["value"])
    assert after - before == Decimal(booked["resultAmount"]["value"])  # the capture less its fee
    emulator.control.advance_clock(days=4)  # the half month of the capture closes
    settled = key.get(f"/payments/{payment['id']}/captures/{capture['id']}").json()
    assert settled["settlementAmount"] == capture["amount"]
    listed = org.all_pages(f"/settlements/{settled['settlementId']}/captures", "captures")
    assert [c["id"] for c in listed] == [capture["id"]]


def test_the_balance_report_counts_a_capture_among_the_payments(key, org, emulator):
    payment = authorized(key, emulator)
    key.post(f"/payments/{payment['id']}/captures")
    balance = org.get("/balances/primary").json()["id"]
    today = emulator.control.now()[:10]
    tomorrow = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
    totals = org.get(f"/balances/{balance}/report", params={"from": today, "until": tomorrow}).json()["totals"]
    moved = sum(Decimal(totals[c]["immediatelyAvailable"]["amount"]["value"]) for c in totals if c not in ("open", "close"))
    assert Decimal(totals["open"]["available"]["amount"]["value"]) + moved == Decimal(totals["close"]["available"]["amount"]["value"])
    kinds = [s["transactionType"] for s in totals["payments"]["immediatelyAvailable"]["subtotals"]]
    assert "capture" in kinds


@pytest.mark.parametrize("changes, field", [
    ({"method": "ideal"}, "captureMode"),
    ({"captureMode": "later"}, "captureMode"),
    ({"captureDelay": "2 days"}, "captureDelay"),
    ({"sequenceType": "first", "method": None}, "captureMode"),
])
def test_a_hold_where_mollie_offers_none_is_refused_naming_the_field(key, changes, field):
    body = {k: v for k, v in {**HOLD, **changes}.items() if v is not None}
    if body.get("sequenceType") == "first":
        body["customerId"] = key.all_pages("/customers", "customers", limit=1)[0]["id"]
    resp = key.post("/payments", body)
    assert resp.status_code == 422 and resp.json()["field"] == field, resp.text


def test_only_an_authorized_hold_can_be_captured_once_within_its_amount(key, emulator):
    open_hold = key.post("/payments", HOLD).json()
    assert key.post(f"/payments/{open_hold['id']}/captures").json()["field"] == "status"
    automatic = key.get("/payments", params={"limit": 50}).json()["_embedded"]["payments"]
    paid = next(p for p in automatic if p["status"] == "paid")
    assert key.post(f"/payments/{paid['id']}/captures").json()["field"] == "status"
    payment = authorized(key, emulator)
    too_much = key.post(f"/payments/{payment['id']}/captures", {"amount": {"value": "10.01", "currency": "EUR"}})
    assert (too_much.status_code, too_much.json()["field"]) == (422, "amount.value")
    other_currency = key.post(f"/payments/{payment['id']}/captures", {"amount": {"value": "1.00", "currency": "USD"}})
    assert other_currency.json()["field"] == "amount.currency"
    assert key.post(f"/payments/{payment['id']}/captures", {"amount": {"value": "4.00", "currency": "EUR"}}).status_code == 201
    assert key.post(f"/payments/{payment['id']}/captures").json()["field"] == "status"
    refund = key.post(f"/payments/{payment['id']}/refunds", {"amount": {"value": "4.01", "currency": "EUR"}})
    assert refund.json()["field"] == "amount.value"  # only the captured 4.00 can be refunded
    assert key.get(f"/payments/{payment['id']}/captures/cpt_doesnotexist").status_code == 404
    assert key.get("/payments/tr_doesnotexist/captures").status_code == 404


def test_checkout_triggers_follow_the_capture_mode(key, emulator):
    hold = key.post("/payments", HOLD).json()
    with pytest.raises(RuntimeError, match="create a capture"):
        emulator.control.trigger("payment.paid", hold["id"])
    plain = key.post("/payments", {k: v for k, v in HOLD.items() if k != "captureMode"}).json()
    with pytest.raises(RuntimeError, match="captureMode manual"):
        emulator.control.trigger("payment.authorized", plain["id"])
    assert emulator.control.trigger("payment.canceled", authorized(key, emulator)["id"])["payment"]["status"] == "canceled"


def test_the_same_steps_give_the_same_capture(emulator_factory):
    seen = []
    for _ in range(2):
        emu = emulator_factory()
        api = Api(emu, emu.api_key)
        payment = authorized(api, emu)
        capture = api.post(f"/payments/{payment['id']}/captures").json()
        seen.append({k: v for k, v in capture.items() if k != "_links"})  # links name the emulator's port
    assert seen[0] == seen[1]


def test_create_customer_payment_is_create_payment_for_that_customer(key):
    customer = key.post("/customers", {"name": "Jet Hendriks", "email": "jet@example.org"}).json()["id"]
    created = key.post(f"/customers/{customer}/payments", {k: v for k, v in HOLD.items() if k != "captureMode"})
    assert created.status_code == 201, created.text
    assert created.json()["customerId"] == customer
    assert [p["id"] for p in key.all_pages(f"/customers/{customer}/payments", "payments")] == [created.json()["id"]]
    missing = key.post("/customers/cst_doesnotexist/payments", HOLD)
    assert missing.status_code == 404
    refused = key.post(f"/customers/{customer}/payments", {"description": "x", "redirectUrl": "https://e.org"})
    assert (refused.status_code, refused.json()["field"]) == (422, "amount")

