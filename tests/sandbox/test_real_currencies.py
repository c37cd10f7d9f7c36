"""Flows "real": a second balance in GBP with its own transactions, settlements, payouts and reports, and
payments in a foreign currency converted onto the primary EUR balance (Mollie's multicurrency page).
Every response is validated against the spec by the fixture."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import Api

REAL = {"scenario": "association-small-real", "seed": 1, "discrepancies": False}


def cents(amount: dict) -> int:
    return int(Decimal(amount["value"]) * 100)


def currencies(value) -> set[str]:
    """Every `currency` inside a JSON value."""
    if isinstance(value, dict):
        found = {value["currency"]} if isinstance(value.get("currency"), str) and "value" in value else set()
        return found.union(*(currencies(v) for k, v in value.items() if k != "_links"))
    if isinstance(value, list):
        return set().union(*(currencies(v) for v in value))
    return set()


def _periods_total(settlement: dict) -> int:
    return sum(sum(cents(l["amountGross"]) for l in p["revenue"]) - sum(cents(l["amountGross"]) for l in p["costs"])
               for months in settlement["periods"].values() for p in months.values())


@pytest.fixture
def real(emulator_factory):
    return emulator_factory(**REAL)


@pytest.fixture
def books(real):
    org = Api(real, real.organization_token)
    balances = {b["currency"]: b for b in org.all_pages("/balances", "balances")}
    return org, balances


def test_two_balances_each_with_its_own_ledger(books):
    org, balances = books
    assert set(balances) == {"EUR", "GBP"}
    assert org.get("/balances/primary").json()["id"] == balances["EUR"]["id"]
    assert [b["id"] for b in org.all_pages("/balances?currency=GBP", "balances")] == [balances["GBP"]["id"]]
    ids = set()
    for cur, balance in balances.items():
        assert org.get(f"/balances/{balance['id']}").json() == balance
        txs = org.all_pages(f"/balances/{balance['id']}/transactions", "balance_transactions")
        assert currencies(txs) == {cur} and currencies(balance) == {cur}
        assert cents(balance["availableAmount"]) + cents(balance["pendingAmount"]) == sum(cents(t["resultAmount"]) for t in txs)
        ids |= {t["id"] for t in txs}
        report = org.get(f"/balances/{balance['id']}/report", params={"from": "2025-01-01", "until": "2025-03-29",
                                                                      "grouping": "status-balances"}).json()
        assert report["balanceId"] == balance["id"] and currencies(report["totals"]) == {cur}
        assert report["totals"]["availableBalance"]["close"]["amount"] == balance["availableAmount"]
        assert report["totals"]["pendingBalance"]["close"]["amount"] == balance["pendingAmount"]
    gbp_types = {t["type"] for t in org.all_pages(f"/balances/{balances['GBP']['id']}/transactions", "balance_transactions")}
    assert {"payment", "outgoing-transfer"} <= gbp_types
    assert org.get("/balances/bal_nonexistent0/transactions").status_code == 404


def test_each_balance_has_its_own_settlements_in_its_currency(books):
    org, balances = books
    everything = org.all_pages("/settlements", "settlements")
    for cur, balance in balances.items():
        mine = org.all_pages(f"/settlements?balanceId={balance['id']}", "settlements")
        assert mine and all(s["balanceId"] == balance["id"] for s in mine)
        assert {s["id"] for s in everything if s["balanceId"] == balance["id"]} == {s["id"] for s in mine}
        payouts = {t["context"]["outgoing-transfer"]["settlementId"]: t for t in org.all_pages(
            f"/balances/{balance['id']}/transactions", "balance_transactions") if t["type"] == "outgoing-transfer"}
        for s in mine:
            assert currencies(s) == {cur} and _periods_total(s) == cents(s["amount"]), s["id"]
            if s["status"] == "paidout":
                assert cents(payouts[s["id"]]["resultAmount"]) == -cents(s["amount"])
            for p in org.all_pages(f"/settlements/{s['id']}/payments", "payments"):
                assert p["settlementAmount"]["currency"] == cur
                if p["amount"]["currency"] == cur:
                    assert p["settlementAmount"] == p["amount"]
    created = [s["createdAt"] for s in everything]
    assert created == sorted(created, reverse=True)  # one list, newest first, both balances


def test_a_gbp_payment_before_the_gbp_balance_is_converted_onto_the_eur_balance(books):
    org, balances = books
    key = Api(org.emu, org.emu.api_key)
    pounds = [p for p in key.all_pages("/payments", "payments") if p["amount"]["currency"] == "GBP" and p["status"] == "paid"]
    converted = [p for p in pounds if p.get("settlementAmount", {}).get("currency") == "EUR"]
    native = [p for p in pounds if p.get("settlementAmount", {}).get("currency") == "GBP"]
    assert converted and native
    assert max(p["paidAt"] for p in converted) < balances["GBP"]["createdAt"] <= min(p["paidAt"] for p in native)
    eur = {t["context"]["payment"]["paymentId"]: t for t in org.all_pages(
        f"/balances/{balances['EUR']['id']}/transactions", "balance_transactions") if t["type"] == "payment"}
    gbp = {t["context"]["payment"]["paymentId"]: t for t in org.all_pages(
        f"/balances/{balances['GBP']['id']}/transactions", "balance_transactions") if t["type"] == "payment"}
    for p in converted:
        assert cents(p["settlementAmount"]) == (cents(p["amount"]) * 11850 + 5000) // 10000  # GBP 1 = EUR 1.1850
        assert eur[p["id"]]["initialAmount"] == p["settlementAmount"] and p["id"] not in gbp
        stl = org.get(f"/settlements/{p['settlementId']}").json()
        assert stl["balanceId"] == balances["EUR"]["id"] and currencies(stl) == {"EUR"}
    for p in native:
        assert gbp[p["id"]]["initialAmount"] == p["amount"] and p["id"] not in eur


def test_api_payments_in_pounds_reach_the_gbp_balance_and_dollars_are_converted(real, books):
    org, balances = books
    key = Api(real, real.api_key)
    booked = {}
    for cur, value in (("GBP", "10.00"), ("USD", "10.00")):
        pid = key.post("/payments", {"amount": {"value": value, "currency": cur}, "description": "Bijdrage",
                                     "redirectUrl": "https://e.org", "method": "creditcard"}).json()["id"]
        real.control.trigger("payment.paid", pid)
        refund = key.post(f"/payments/{pid}/refunds", {"amount": {"value": "4.00", "currency": cur}})
        assert refund.status_code == 201, refund.text
        booked[cur] = (pid, refund.json())
    gbp_txs = org.all_pages(f"/balances/{balances['GBP']['id']}/transactions", "balance_transactions")
    eur_txs = org.all_pages(f"/balances/{balances['EUR']['id']}/transactions", "balance_transactions")
    pid, refund = booked["GBP"]
    assert refund["amount"] == {"value": "4.00", "currency": "GBP"}
    assert [t["initialAmount"] for t in gbp_txs if t["type"] == "refund"
            and t["context"]["refund"]["refundId"] == refund["id"]] == [{"value": "-4.00", "currency": "GBP"}]
    pid, refund = booked["USD"]
    assert [t["initialAmount"] for t in eur_txs if t["type"] == "payment"
            and t["context"]["payment"]["paymentId"] == pid] == [{"value": "9.20", "currency": "EUR"}]
    assert [t["initialAmount"] for t in eur_txs if t["type"] == "refund"
            and t["context"]["refund"]["refundId"] == refund["id"]] == [{"value": "-3.68", "currency": "EUR"}]
    real.control.advance_clock(days=20)
    for cur, balance in balances.items():
        for s in org.all_pages(f"/settlements?balanceId={balance['id']}", "settlements"):
            assert currencies(s) == {cur} and _periods_total(s) == cents(s["amount"])


def test_the_default_world_has_one_balance(emulator):
    org = Api(emulator, emulator.organization_token)
    assert [b["currency"] for b in org.all_pages("/balances", "balances")] == ["EUR"]
    assert org.all_pages("/balances?currency=GBP", "balances") == []
