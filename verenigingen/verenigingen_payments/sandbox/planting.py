"""Planted discrepancies and their ground truth (see the package docstring for each kind).

Each kind is planted `per_kind` times in paid-out settlements, chosen by the scenario's seeded
random generator, so a reconciliation engine can be scored on precision and recall.
"""

from __future__ import annotations

import random

from .holds import due_by, last_close
from .money import amount as money
from .store import CHARGEBACK_REASONS, PHANTOM_ROW, TX_KINDS, World

KINDS = (
    "settlement_lines_mismatch",
    "payment_missing_from_settlement",
    "duplicate_balance_transaction",
    "refund_without_payment",
    "unexplained_balance_movement",
    "chargeback_after_settlement",
)


class Planter:
    def __init__(self, world: World, rng: random.Random, now: int, per_kind: int) -> None:
        self.world, self.rng, self.now, self.per_kind = world, rng, now, per_kind
        self.paid_out = [s for s in world.settlements_of(0) if s.payout_at <= now and len(s.payments) > 5]
        self.closed_by = last_close(world, now)
        self.used_payments: set[int] = set()
        self.used_settlements: set[int] = set()
        self._events: list[tuple] = []
        self._pending: list[tuple] = []  # (kind, data) completed into ground truth after the ledger is written

    def _settlement(self, exclude_first: bool = False, with_due_payments: bool = False):
        choices = [s for s in self.paid_out if s.index not in self.used_settlements
                   and (not with_due_payments or self._clean_rows(s, due=True))]
        if exclude_first and len(choices) > 1:
            choices = choices[1:]
        s = self.rng.choice(choices or self.paid_out)
        self.used_settlements.add(s.index)
        return s

    def _clean_payment(self, s, method: int | None = None, due: bool = False) -> int:
        rows = self._clean_rows(s, method, due)
        row = self.rng.choice(rows or list(s.payments))
        self.used_payments.add(row)
        return row

    def _clean_rows(self, s, method: int | None = None, due: bool = False) -> list[int]:
        """`due`: only payments whose settlement by the hold bounds has closed (decidable today)."""
        w, p = self.world, self.world.payments
        return [r for r in s.payments if r not in self.used_payments and r not in w.refunds_of
                and r not in w.chargebacks_of and r not in w.converted
                and (method is None or p["method"][r] == method)
                and (not due or due_by(p["method"][r], p["paid"][r]) < self.closed_by)]

    def before_ledger(self, refunds: list, chargebacks: list) -> None:
        rng, p = self.rng, self.world.payments
        for _ in range(self.per_kind):
            s = self._settlement()
            s.amount_delta = rng.choice((1, -1)) * rng.randrange(500, 5000)
            s.touch()
            self._pending.append(("settlement_lines_mismatch", s))

            s = self._settlement(with_due_payments=True)
            row = self._clean_payment(s, due=True)
            s.payments.remove(row)
            s.touch()
            p["settlement"][row] = -1
            self._pending.append(("payment_missing_from_settlement", (row, s)))

            row = self._clean_payment(self._settlement())
            self._events.append((p["paid"][row] + 1, 0, row, 0))
            self._pending.append(("duplicate_balance_transaction", row))

            s = self._settlement()
            at = rng.randrange(s.start, s.end)
            phantom = PHANTOM_ROW + len(self._pending)
            refund_amount = rng.choice((1250, 1500, 2000))
            refunds.append((at, phantom, refund_amount, True))
            self._pending.append(("refund_without_payment", (at, phantom, refund_amount)))

            at = rng.randrange(self.paid_out[0].start, self.now)
            correction = -rng.randrange(1000, 9000)
            self._events.append((at, 4, -1, correction))
            self._pending.append(("unexplained_balance_movement", (at, correction)))

            early = [x for x in self.paid_out if any(y.start >= x.payout_at for y in self.paid_out)]
            s = self._settlement() if not early else early[rng.randrange(len(early))]
            row = self._clean_payment(s, method=0)
            later = [y for y in self.paid_out if y.start >= s.payout_at] or [s]
            at = rng.randrange(later[0].start, later[-1].end)
            chargebacks.append((at, row, p["amount"][row], rng.randrange(len(CHARGEBACK_REASONS)), False))
            self._pending.append(("chargeback_after_settlement", (row, s, at)))

    def extra_events(self) -> list[tuple]:
        return list(self._events)

    def record_truth(self) -> None:
        w, p = self.world, self.world.payments
        tx = w.tables["transactions"]
        truth = w.ground_truth
        for kind, data in self._pending:
            if kind == "settlement_lines_mismatch":
                truth.append(_entry(kind, [w_settlement_id(w, data)], data.amount_delta,
                                    "settlement amount differs from its payments - refunds - chargebacks - costs"))
            elif kind == "payment_missing_from_settlement":
                row, s = data
                truth.append(_entry(kind, [p.id(row), w_settlement_id(w, s)], p["amount"][row],
                                    "paid payment inside a paid-out settlement period, in no settlement"))
            elif kind == "duplicate_balance_transaction":
                rows = [t for t in _tx_rows_for(w, "payment", data)]
                truth.append(_entry(kind, [p.id(data)] + [tx.id(t) for t in rows],
                                    p["amount"][data] - p["fee_net"][data] - p["fee_vat"][data],
                                    "two payment balance transactions for one payment"))
            elif kind == "refund_without_payment":
                at, phantom, amount = data
                refund = w.refunds_of[phantom][0]
                truth.append(_entry(kind, [w.tables["refunds"].id(refund), p.id(phantom)], amount,
                                    "refund (settled and booked) whose payment does not exist"))
            elif kind == "unexplained_balance_movement":
                at, correction = data
                rows = [t for t in range(tx.n) if tx["kind"][t] == 4 and tx["created"][t] == at]
                truth.append(_entry(kind, [tx.id(rows[0])], correction,
                                    "balance correction with no payment, refund, chargeback or settlement behind it"))
            else:
                row, s, at = data
                chb = [c for c in w.chargebacks_of[row] if w.tables["chargebacks"]["created"][c] == at][0]
                truth.append(_entry(kind, [w.tables["chargebacks"].id(chb), p.id(row), w_settlement_id(w, s)],
                                    p["amount"][row], "chargeback booked after its payment settled, deducted by no settlement"))


def w_settlement_id(world: World, s) -> str:
    from .resource_ids import settlement_id

    return settlement_id(world, s)


def _tx_rows_for(world: World, kind: str, ref: int) -> list[int]:
    tx = world.tables["transactions"]
    code = TX_KINDS.index(kind)
    p_paid = world.payments["paid"][ref]
    return [t for t in range(tx.n) if tx["ref"][t] == ref and tx["kind"][t] == code and abs(tx["created"][t] - p_paid) <= 1]


def _entry(kind: str, ids: list[str], minor: int, description: str) -> dict:
    return {"kind": kind, "ids": ids, "amount": money(minor), "description": description}


