"""Flows "real": holds (`captureMode: manual`) in ordinary seeds, captured fully or partly, shown in the
settlement's captures list and as `capture` balance transactions; and the planted
`capture_missing_from_settlement`. Every response is validated against the spec by the fixture."""

from __future__ import annotations

from decimal import Decimal

from .conftest import Api

REAL = {"scenario": "association-small-real", "seed": 1}
ORDINARY = {**REAL, "seed": 2}  # a seed with partial captures and a hold still authorized at now


def cents(amount: dict) -> int:
    return int(Decimal(amount["value"]) * 100)


def _captures_by_settlement(org: Api) -> dict[str, str]:
    held = {}
    for s in org.all_pages("/settlements", "settlements"):
        for c in org.all_pages(f"/settlements/{s['id']}/captures", "captures"):
            assert c["id"] not in held
            held[c["id"]] = s["id"]
    return held


def _capture_transactions(org: Api) -> dict[str, dict]:
    bid = org.get("/balances/primary").json()["id"]
    return {t["context"]["capture"]["captureId"]: t
            for t in org.all_pages(f"/balances/{bid}/transactions", "balance_transactions") if t["type"] == "capture"}


def test_ordinary_seeds_hold_and_capture_card_payments(emulator_factory):
    emu = emulator_factory(**ORDINARY, discrepancies=False)
    key, org = Api(emu, emu.api_key), Api(emu, emu.organization_token)
    holds = [p for p in key.all_pages("/payments", "payments") if p.get("captureMode") == "manual"]
    cards = [p for p in key.all_pages("/payments", "payments") if p.get("method") == "creditcard" and p["status"] == "paid"]
    assert 0.1 < len(holds) / (len(cards) + 1) < 0.6  # a realistic share of the card payments
    captured = [p for p in holds if p["status"] == "paid"]
    assert {p["method"] for p in holds} == {"creditcard"}
    assert any(cents(p["amountCaptured"]) < cents(p["amount"]) for p in captured)  # partly captured
    assert any(cents(p["amountCaptured"]) == cents(p["amount"]) for p in captured)  # fully captured
    in_settlement, txs = _captures_by_settlement(org), _capture_transactions(org)
    for payment in captured:
        assert "settlementId" not in payment and payment["authorizedAt"] < payment["paidAt"]
        [capture] = key.all_pages(f"/payments/{payment['id']}/captures", "captures")
        assert capture["amount"] == payment["amountCaptured"] and capture["status"] == "succeeded"
        tx = txs[capture["id"]]
        assert tx["initialAmount"] == capture["amount"] and cents(tx["deductions"]) < 0
        assert tx["context"]["capture"]["paymentId"] == payment["id"]
        if "settlementId" in capture:
            assert in_settlement[capture["id"]] == capture["settlementId"]
            assert capture["settlementAmount"] == capture["amount"]
    assert any("settlementId" in key.get(f"/payments/{p['id']}/captures").json()["_embedded"]["captures"][0]
               for p in captured)


def test_a_hold_still_authorized_is_captured_in_full_when_the_clock_passes_it(emulator_factory):
    emu = emulator_factory(**ORDINARY, discrepancies=False)
    key = Api(emu, emu.api_key)
    waiting = [p for p in key.all_pages("/payments", "payments") if p["status"] == "authorized"]
    assert waiting and all(p["captureMode"] == "manual" and "captureBefore" in p for p in waiting)
    emu.control.advance_clock(days=4)
    for p in waiting:
        now = key.get(f"/payments/{p['id']}").json()
        assert now["status"] == "paid" and now["amountCaptured"] == p["amount"]


def test_a_capture_missing_from_its_settlement_is_in_the_ground_truth(emulator_factory):
    emu = emulator_factory(**REAL)
    key, org = Api(emu, emu.api_key), Api(emu, emu.organization_token)
    [truth] = [g for g in emu.control.ground_truth() if g["kind"] == "capture_missing_from_settlement"]
    capture_id, payment_id, settlement_id = truth["ids"]
    capture = key.get(f"/payments/{payment_id}/captures/{capture_id}").json()
    assert capture["amount"] == truth["amount"] and "settlementId" not in capture
    assert capture_id not in _captures_by_settlement(org) and capture_id in _capture_transactions(org)
    settlement = org.get(f"/settlements/{settlement_id}").json()
    assert settlement["status"] in ("paidout", "failed") and settlement["createdAt"] > capture["createdAt"]
