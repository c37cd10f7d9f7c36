"""Flows "real": what a real Mollie account books besides dues, refunds and chargebacks, over HTTP
(every response validated against the spec by the fixture). Switched on by `flows="real"` or a
scenario name ending in "-real"; the default scenarios stay as they were."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from .conftest import Api

REAL = {"scenario": "association-small", "seed": 1, "flows": "real"}


def cents(amount: dict) -> int:
    return int(Decimal(amount["value"]) * 100)


@pytest.fixture
def real(emulator_factory):
    return emulator_factory(**REAL, discrepancies=False)


def _org(emu) -> Api:
    return Api(emu, emu.organization_token)


def _transactions(api: Api) -> list[dict]:
    bid = api.get("/balances/primary").json()["id"]
    return api.all_pages(f"/balances/{bid}/transactions", "balance_transactions")


def _periods_total(settlement: dict) -> int:
    total = 0
    for months in settlement["periods"].values():
        for period in months.values():
            total += sum(cents(line["amountGross"]) for line in period["revenue"])
            total -= sum(cents(line["amountGross"]) for line in period["costs"])
    return total


def test_funds_are_pending_then_available_and_settle_when_available(real):
    api = _org(real)
    balance = api.get("/balances/primary").json()
    txs = _transactions(api)
    assert cents(balance["pendingAmount"]) > 0
    assert cents(balance["availableAmount"]) + cents(balance["pendingAmount"]) == sum(cents(t["resultAmount"]) for t in txs)
    late = []
    for s in api.all_pages("/settlements", "settlements"):
        assert _periods_total(s) == cents(s["amount"]), s["id"]
        if s["status"] != "paidout":
            continue
        for p in api.all_pages(f"/settlements/{s['id']}/payments", "payments"):
            if p["paidAt"] < s["createdAt"] and p["paidAt"] < _window_start(api, s):
                late.append(p["id"])
    assert late, "some payment paid late in a window is settled in the next one"
    before = {t["id"] for t in txs}
    real.control.advance_clock(days=7)  # longer than any hold (3 business days + a weekend)
    after = api.get("/balances/primary").json()
    new = [t for t in _transactions(api) if t["id"] not in before]
    credited_since = sum(cents(t["resultAmount"]) for t in new if t["type"] in ("payment", "capture"))
    assert cents(after["pendingAmount"]) < cents(balance["pendingAmount"]) + credited_since  # something was released
    assert cents(after["pendingAmount"]) <= credited_since  # and nothing pending a week ago still is
    assert cents(after["availableAmount"]) + cents(after["pendingAmount"]) == sum(
        cents(t["resultAmount"]) for t in txs + new)


def _window_start(api: Api, settlement: dict) -> str:
    """The settlement's window start: the previous settlement's creation (end of its window)."""
    earlier = [s["createdAt"] for s in api.all_pages("/settlements", "settlements") if s["createdAt"] < settlement["createdAt"]]
    return max(earlier) if earlier else "0"


def test_the_balance_report_keeps_pending_and_available_apart(real):
    api = _org(real)
    bid = api.get("/balances/primary").json()["id"]
    for grouping in ("status-balances", "transaction-categories"):
        report = api.get(f"/balances/{bid}/report", params={"from": "2025-03-01", "until": "2025-03-29",
                                                            "grouping": grouping}).json()["totals"]
        if grouping == "status-balances":
            pend, avail = report["pendingBalance"], report["availableBalance"]
            assert cents(pend["close"]["amount"]) == (cents(pend["open"]["amount"]) + cents(pend["pending"]["amount"])
                                                      - cents(pend["movedToAvailable"]["amount"]))
            assert cents(avail["close"]["amount"]) == (cents(avail["open"]["amount"])
                                                       + cents(avail["movedFromPending"]["amount"])
                                                       + cents(avail["immediatelyAvailable"]["amount"]))
            assert cents(pend["pending"]["amount"]) > 0 and cents(pend["movedToAvailable"]["amount"]) > 0
    balance = api.get("/balances/primary").json()
    now = api.get(f"/balances/{bid}/report", params={"from": "2025-01-01", "until": "2025-03-29",
                                                     "grouping": "status-balances"}).json()["totals"]
    assert cents(now["pendingBalance"]["close"]["amount"]) == cents(balance["pendingAmount"])
    assert cents(now["availableBalance"]["close"]["amount"]) == cents(balance["availableAmount"])


def test_ordinary_seeds_include_the_real_flows(emulator_factory):
    kinds: Counter = Counter()
    for seed in (1, 2):
        emu = emulator_factory(scenario="association-small-real", seed=seed, discrepancies=False)
        kinds.update(t["type"] for t in _transactions(_org(emu)))
    for kind in ("payment", "refund", "chargeback", "outgoing-transfer", "failed-payment", "invoice-compensation"):
        assert kinds[kind], kind
    assert kinds["returned-transfer"] + kinds["canceled-transfer"]
    assert not kinds["balance-correction"]  # a clean seed: no unexplained movement


def test_default_scenarios_stay_basic(emulator):
    api = _org(emulator)
    assert cents(api.get("/balances/primary").json()["pendingAmount"]) == 0
    kinds = {t["type"] for t in _transactions(api)}
    assert kinds <= {"payment", "refund", "chargeback", "outgoing-transfer", "balance-correction"}
    assert {g["kind"] for g in emulator.control.ground_truth()} == {
        "settlement_lines_mismatch", "payment_missing_from_settlement", "duplicate_balance_transaction",
        "refund_without_payment", "unexplained_balance_movement", "chargeback_after_settlement"}


def _paid(emu, method: str = "ideal") -> dict:
    key = Api(emu, emu.api_key)
    pid = key.post("/payments", {"amount": {"value": "40.00", "currency": "EUR"}, "description": "Contributie",
                                 "redirectUrl": "https://e.org", "method": method}).json()["id"]
    return emu.control.trigger("payment.paid", pid)["payment"]


def _latest(api: Api, kind: str) -> dict:
    return next(t for t in _transactions(api) if t["type"] == kind)


def test_a_refund_the_bank_sends_back(real):
    api, payment = _org(real), _paid(real)
    refund = real.control.trigger("payment.refund", payment["id"], amount="15.00")["refund"]
    failed = real.control.trigger("refund.fail", refund["id"])["refund"]
    assert failed["status"] == "failed"
    tx = _latest(api, "returned-refund")
    assert tx["resultAmount"] == {"value": "15.00", "currency": "EUR"}
    assert tx["context"] == {"returned-refund": {"paymentId": payment["id"], "refundId": refund["id"]}}
    assert api.get(f"/payments/{payment['id']}").json()["amountRefunded"]["value"] == "0.00"
    open_lines = [line["description"] for period in _months(api.get("/settlements/open").json())
                  for line in period["revenue"]]
    assert "Returned refunds iDEAL" in open_lines


def _months(settlement: dict) -> list[dict]:
    return [period for months in settlement["periods"].values() for period in months.values()]


def test_a_direct_debit_fails_while_its_funds_are_pending(real):
    api = _org(real)
    key = Api(real, real.api_key)
    recent = [p for p in key.all_pages("/payments", "payments")
              if p["status"] == "paid" and p["method"] == "directdebit" and p["paidAt"] >= "2025-03-27"]
    before = api.get("/balances/primary").json()
    payment = real.control.trigger("payment.failed", recent[0]["id"])["payment"]
    assert payment["status"] == "failed" and "settlementId" not in payment
    tx = _latest(api, "failed-payment")
    assert tx["context"]["failed-payment"]["paymentId"] == payment["id"]
    assert cents(tx["initialAmount"]) == -cents(payment["amount"]) and cents(tx["deductions"]) > 0
    after = api.get("/balances/primary").json()
    assert cents(after["availableAmount"]) == cents(before["availableAmount"]), "it takes the pending credit back"
    assert cents(after["pendingAmount"]) == cents(before["pendingAmount"]) + cents(tx["resultAmount"])
    old = next(p for p in key.all_pages("/payments", "payments") if p["status"] == "paid" and p["paidAt"] < "2025-03-01")
    with pytest.raises(Exception, match="funds are available"):
        real.control.trigger("payment.failed", old["id"])


def test_a_payout_returned_by_the_bank_is_paid_again_by_the_next_settlement(real):
    api = _org(real)
    primary = api.get("/balances/primary").json()["id"]
    paid = [s for s in api.all_pages(f"/settlements?balanceId={primary}", "settlements") if s["status"] == "paidout"]
    out = real.control.trigger("settlement.payout-returned", paid[0]["id"])
    assert out["settlement"]["status"] == "failed"
    tx = _latest(api, "returned-transfer")
    assert tx["resultAmount"] == paid[0]["amount"]
    assert tx["context"]["returned-transfer"]["settlementId"] == paid[0]["id"]
    assert api.get(f"/settlements/{paid[0]['id']}").json()["status"] == "failed"
    opened = api.get("/settlements/open").json()
    assert f"Returned payout {paid[0]['id']}" in [l["description"] for p in _months(opened) for l in p["revenue"]]
    assert _periods_total(opened) == cents(opened["amount"])
    real.control.trigger("settlement.payout-canceled", paid[1]["id"])
    tx = _latest(api, "canceled-transfer")
    assert set(tx["context"]) == {"canceled-outgoing-transfer"}
    real.control.advance_clock(days=20)
    closed = next(s for s in api.all_pages("/settlements", "settlements")
                  if f"Returned payout {paid[0]['id']}" in [l["description"] for p in _months(s) for l in p["revenue"]])
    assert _periods_total(closed) == cents(closed["amount"])


def test_a_chargeback_reversed_in_a_later_settlement_and_a_balance_correction(real):
    api = _org(real)
    payment = _paid(real)
    chargeback = real.control.trigger("payment.chargeback", payment["id"], reason="AM04")["chargeback"]
    real.control.advance_clock(days=20)
    real.control.trigger("chargeback.reverse", chargeback["id"])
    correction = real.control.trigger("balance.correction", "", amount="-2.50")["transaction"]
    assert correction["type"] == "balance-correction" and correction["context"] is None
    real.control.advance_clock(days=20)
    settlements = api.all_pages("/settlements", "settlements")
    held = [s["id"] for s in settlements
            if chargeback["id"] in [c["id"] for c in api.all_pages(f"/settlements/{s['id']}/chargebacks", "chargebacks")]]
    reversed_in = [s for s in settlements if any(l["description"].startswith("Chargeback reversals")
                                                 for p in _months(s) for l in p["revenue"])]
    assert held and reversed_in and held[0] != reversed_in[0]["id"]
    assert any(l["description"] == "Balance correction" for p in _months(reversed_in[0]) for l in p["revenue"])
    assert all(_periods_total(s) == cents(s["amount"]) for s in settlements)


def test_settlements_carry_their_invoice_and_the_invoice_is_compensated(real):
    api = _org(real)
    txs = [t for t in _transactions(api) if t["type"] == "invoice-compensation"]
    assert txs
    invoice = api.get(f"/invoices/{txs[0]['context']['invoice-compensation']['invoiceId']}").json()
    invoiced = [line for line in invoice["lines"] if "handling" in line["description"]]
    net = sum(cents(line["amount"]) for line in invoiced)
    assert -cents(txs[0]["resultAmount"]) == net + (net * 21 + 50) // 100
    settlements = api.all_pages("/settlements", "settlements")
    deducting = [s for s in settlements if any(c["description"] == f"Invoice compensation {invoice['id']}"
                                               for p in _months(s) for c in p["costs"])]
    assert len(deducting) == 1 and _periods_total(deducting[0]) == cents(deducting[0]["amount"])
    invoiced_month = [s for s in settlements if s.get("invoiceId") == invoice["id"]]
    assert len(invoiced_month) == 2 and deducting[0]["createdAt"] > max(s["createdAt"] for s in invoiced_month)


def test_open_and_next_settlements_link_only_to_themselves(real):
    api = _org(real)
    for which in ("open", "next"):
        s = api.get(f"/settlements/{which}").json()
        assert s["id"] == which and set(s["_links"]) == {"self", "documentation"}
        assert api.get(s["_links"]["self"]["href"]).status_code == 200
    assert api.get("/settlements/open/payments").status_code == 404  # no such path in the spec


def test_planted_real_flow_kinds_are_in_the_ground_truth(emulator_factory):
    emu = emulator_factory(**REAL)
    truth = emu.control.ground_truth()
    kinds = Counter(g["kind"] for g in truth)
    for kind in ("reversal_never_credited", "returned_payout_never_repaid", "invoice_compensated_twice",
                 "pending_funds_never_released", "settlement_lines_mismatch"):
        assert kinds[kind] == 1, kind
    api = _org(emu)
    txs = {t["id"]: t for t in _transactions(api)}
    twice = next(g for g in truth if g["kind"] == "invoice_compensated_twice")
    assert [txs[i]["type"] for i in twice["ids"][1:]] == ["invoice-compensation"] * 2
    never = next(g for g in truth if g["kind"] == "pending_funds_never_released")
    payment = api.get(f"/payments/{never['ids'][0]}").json()
    assert payment["status"] == "paid" and "settlementId" not in payment and never["ids"][1] in txs
    reversal = next(g for g in truth if g["kind"] == "reversal_never_credited")
    assert api.get(f"/chargebacks?limit=250").status_code == 200
    assert not [t for t in txs.values() if t["type"] == "chargeback-reversal"
                and t["context"]["chargeback-reversal"]["chargebackId"] == reversal["ids"][0]]
