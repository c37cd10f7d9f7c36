"""Scenario determinism and internal consistency, judged only from what the API returns."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from tests.sandbox.conftest import Api
from verenigingen.verenigingen_payments.sandbox import DISCREPANCY_KINDS


def D(amount: dict) -> Decimal:
    return Decimal(amount["value"])


def test_same_seed_same_data_and_other_seed_other_data(emulator_factory):
    def snapshot(seed):
        emu = emulator_factory(seed=seed)
        org = Api(emu, emu.organization_token)
        pages = org.get("/payments", params={"limit": 50}).text + org.get("/settlements").text
        return pages.replace(emu.base_url, "BASE"), emu.control.ground_truth(), emu.api_key

    a, b, c = snapshot(3), snapshot(3), snapshot(4)
    assert a == b
    assert a[0] != c[0] and a[1] != c[1] and a[2] != c[2]


class Books:
    """Everything a reconciliation would read, fetched through the API."""

    def __init__(self, emu) -> None:
        org = Api(emu, emu.organization_token)
        self.org = org
        self.balance = org.get("/balances/primary").json()
        self.transactions = org.all_pages(f"/balances/{self.balance['id']}/transactions", "balance_transactions")
        self.settlements = org.all_pages("/settlements", "settlements")
        self.lines = {}
        for s in self.settlements:
            self.lines[s["id"]] = {sub: org.all_pages(f"/settlements/{s['id']}/{sub}", sub)
                                   for sub in ("payments", "refunds", "chargebacks")}
        self.payments = {p["id"]: p for p in org.all_pages("/payments", "payments")}
        self.refunds = org.all_pages("/refunds", "refunds")
        self.chargebacks = org.all_pages("/chargebacks", "chargebacks")

    def lines_total(self, sid: str) -> Decimal:
        lines = self.lines[sid]
        fees = sum(self._fee(p["id"]) for p in lines["payments"])
        return (sum(D(p["amount"]) for p in lines["payments"]) - sum(D(r["amount"]) for r in lines["refunds"])
                - sum(D(c["amount"]) for c in lines["chargebacks"]) - fees)

    def _fee(self, pid: str) -> Decimal:
        if not hasattr(self, "_fees"):
            self._fees = {t["context"]["payment"]["paymentId"]: -D(t["deductions"])
                          for t in self.transactions if t["type"] == "payment"}
        return self._fees[pid]

    @staticmethod
    def periods_total(s: dict) -> Decimal:
        total = Decimal(0)
        for months in s["periods"].values():
            for period in months.values():
                total += sum(D(line["amountGross"]) for line in period["revenue"])
                total -= sum(D(line["amountGross"]) for line in period["costs"])
        return total


def test_clean_scenario_adds_up_everywhere(emulator_factory):
    emu = emulator_factory(discrepancies=False)
    books = Books(emu)
    assert emu.control.ground_truth() == []
    for s in books.settlements:
        assert books.lines_total(s["id"]) == D(s["amount"]) == books.periods_total(s), s["id"]
    assert sum(D(t["resultAmount"]) for t in books.transactions) == D(books.balance["availableAmount"])
    counts = Counter(t["context"]["payment"]["paymentId"] for t in books.transactions if t["type"] == "payment")
    assert max(counts.values()) == 1
    settled = {p["id"] for lines in books.lines.values() for p in lines["payments"]}
    closed_until = books.settlements[0]["createdAt"]  # newest closed settlement's period end
    assert all(p["id"] in settled for p in books.payments.values() if p["status"] == "paid" and p["paidAt"] < closed_until)
    assert all(r["paymentId"] in books.payments for r in books.refunds)
    assert all(c.get("settlementId") for c in books.chargebacks if c["createdAt"] < books.settlements[0]["createdAt"])
    reasons = {c["reason"]["code"] for c in books.chargebacks}
    assert len(reasons) >= 3
    bal = books.balance["id"]
    for grouping in ("transaction-categories", "status-balances"):
        report = books.org.get(f"/balances/{bal}/report", params={"from": "2025-01-01", "until": "2025-03-01",
                                                                   "grouping": grouping}).json()["totals"]
        opening, closing = (
            (D(report["open"]["available"]["amount"]), D(report["close"]["available"]["amount"]))
            if grouping == "transaction-categories" else
            (D(report["availableBalance"]["open"]["amount"]), D(report["availableBalance"]["close"]["amount"])))
        in_period = [t for t in books.transactions if "2024-12-31T23:00" <= t["createdAt"] < "2025-02-28T23:00"]
        assert closing - opening == sum(D(t["resultAmount"]) for t in in_period)


def test_planted_discrepancies_are_visible_in_the_api(emulator):
    books = Books(emulator)
    truth = emulator.control.ground_truth()
    assert sorted({t["kind"] for t in truth}) == sorted(DISCREPANCY_KINDS)
    by_kind = defaultdict(list)
    for t in truth:
        by_kind[t["kind"]].append(t)
    settlements = {s["id"]: s for s in books.settlements}
    for t in by_kind["settlement_lines_mismatch"]:
        s = settlements[t["ids"][0]]
        assert D(s["amount"]) - books.lines_total(s["id"]) == D(t["amount"])
    for t in by_kind["payment_missing_from_settlement"]:
        pid, sid = t["ids"]
        p = books.payments[pid]
        assert p["status"] == "paid" and "settlementId" not in p
        assert pid not in {x["id"] for x in books.lines[sid]["payments"]}
    for t in by_kind["duplicate_balance_transaction"]:
        pid = t["ids"][0]
        assert sum(1 for x in books.transactions if x["type"] == "payment"
                   and x["context"]["payment"]["paymentId"] == pid) == 2
    for t in by_kind["refund_without_payment"]:
        rid, pid = t["ids"]
        assert pid not in books.payments and books.org.get(f"/payments/{pid}").status_code == 404
        assert rid in {r["id"] for r in books.refunds}
    for t in by_kind["unexplained_balance_movement"]:
        tx = next(x for x in books.transactions if x["id"] == t["ids"][0])
        assert tx["type"] == "balance-correction" and tx["context"] is None
    for t in by_kind["chargeback_after_settlement"]:
        cid, pid, sid = t["ids"]
        chargeback = next(c for c in books.chargebacks if c["id"] == cid)
        assert "settlementId" not in chargeback
        assert chargeback["createdAt"] > settlements[sid]["settledAt"]
        assert pid in {x["id"] for x in books.lines[sid]["payments"]}
    mismatched = {t["ids"][0] for t in by_kind["settlement_lines_mismatch"]}
    for s in books.settlements:
        if s["id"] not in mismatched:
            assert books.lines_total(s["id"]) == D(s["amount"]) == books.periods_total(s), s["id"]
