"""Planted discrepancies only the real flows make possible (flows "real", discrepancies on), each in
the ground truth like the basic kinds (planting.py):

- `reversal_never_credited` (chargeback, payment): the chargeback shows `reversedAt` and the payment
  is no longer charged back, but no `chargeback-reversal` transaction was booked and no settlement
  has a reversal line for it.
- `returned_payout_never_repaid` (settlement, transaction): the bank returned the settlement's payout
  (`returned-transfer`, the settlement `failed`), and no later settlement pays it again.
- `invoice_compensated_twice` (invoice, both transactions): two `invoice-compensation` transactions
  for one invoice; the settlement deducts it once.
- `pending_funds_never_released` (payment, transaction): a paid payment whose hold ended long ago is
  still pending on the balance (its transaction's funds never became available) and in no settlement.
- `capture_missing_from_settlement` (capture, payment, settlement): a succeeded capture with its
  `capture` transaction, released inside a paid-out settlement's window, in no settlement's captures
  and without `settlementId`; that settlement adds up without it.
"""

from __future__ import annotations

import random

from .holds import NEVER, due_by, last_close
from .money import amount as money
from .planting import w_settlement_id
from .resource_ids import invoice_id
from .settling import invoice_extra
from .store import PAID, TX_KINDS, World

KINDS = ("reversal_never_credited", "returned_payout_never_repaid", "invoice_compensated_twice",
         "pending_funds_never_released", "capture_missing_from_settlement")
DAY = 86400
PLANT_REVERSAL, PLANT_RETURN, PLANT_DOUBLE = 30, 31, 32  # after scenario_flows' codes at the same moment


def _reversal_without_credit(world: World, c: int, at: int) -> None:
    cbs = world.tables["chargebacks"]
    cbs["reversed"][c] = at
    world.payments["charged_back"][cbs["payment"][c]] -= cbs["amount"][c]


def _returned_not_carried(world: World, index: int, at: int) -> None:
    from .returns import fail_payout

    fail_payout(world, world.settlements[index], at, "returned", carry=False)


def _compensate_again(world: World, index: int, at: int) -> None:
    inv = world.invoices[-1]
    net, vat = invoice_extra(inv)
    world.add_transaction(at, "invoice-compensation", inv.index, -(net + vat))


PLANT_ACTIONS = {PLANT_REVERSAL: _reversal_without_credit, PLANT_RETURN: _returned_not_carried,
                 PLANT_DOUBLE: _compensate_again}


class FlowPlanter:
    def __init__(self, world: World, rng: random.Random, now: int, per_kind: int) -> None:
        self.world, self.rng, self.now, self.per_kind = world, rng, now, per_kind
        self.planted: list[tuple[str, int, int]] = []  # (kind, row, at)

    def events(self, real, events: list[tuple]) -> list[tuple]:
        """Choose what to plant (nothing the real flows already use) and return the events that plant
        it; `events` (the ledger so far) is changed in place where a booking itself is planted."""
        w, rng, now, out = self.world, self.rng, self.now, []
        closed_by = last_close(w, now)
        paid_out = [s for s in w.settlements_of(0) if s.payout_at + 4 * DAY <= now and len(s.payments) > 5]
        cbs = w.tables["chargebacks"]
        chargebacks = [c for c in range(cbs.n) if cbs["settlement"][c] >= 0 and c not in real.used_chargebacks
                       and cbs["created"][c] + 10 * DAY < closed_by]
        for c in rng.sample(chargebacks, min(self.per_kind, len(chargebacks))):
            at = cbs["created"][c] + rng.randrange(2 * DAY, 10 * DAY)
            out.append((at, PLANT_REVERSAL, c, 0))
            self.planted.append(("reversal_never_credited", c, at))
        free = [s for s in paid_out if s.index not in real.used_settlements and s.payout_at + 3 * DAY < closed_by]
        for s in rng.sample(free, min(self.per_kind, len(free))):
            at = s.payout_at + 3 * DAY
            out.append((at, PLANT_RETURN, s.index, 0))
            self.planted.append(("returned_payout_never_repaid", s.index, at))
        months = [s for s in paid_out if s.index % 2 and any(
            x.refunds or x.chargebacks for x in (s, w.settlements[s.index - 1]))]
        for s in rng.sample(months, min(self.per_kind, len(months))):
            out.append((s.end + 3600, PLANT_DOUBLE, s.index, 0))
            self.planted.append(("invoice_compensated_twice", s.index, s.end + 3600))
        self._never_released(paid_out, events, closed_by)
        self._capture_left_out(paid_out, closed_by)
        return out

    def _capture_left_out(self, paid_out: list, closed_by: int) -> None:
        w, caps = self.world, self.world.tables["captures"]
        touched = set(w.refunds_of) | set(w.chargebacks_of)
        held = [(s, c) for s in paid_out for c in s.captures if caps["payment"][c] not in touched
                and due_by(w.payments["method"][caps["payment"][c]], caps["created"][c]) < closed_by]
        for s, c in self.rng.sample(held, min(self.per_kind, len(held))):
            del s.captures[s.captures.index(c)]
            s.touch()
            caps["settlement"][c] = -1
            self.planted.append(("capture_missing_from_settlement", c, s.index))

    def _never_released(self, paid_out: list, events: list[tuple], closed_by: int) -> None:
        w, p = self.world, self.world.payments
        used = set(w.refunds_of) | set(w.chargebacks_of) | w.converted
        status, settlement = p["status"], p["settlement"]
        unsettled = {_net(p, r) for r in range(p.n)
                     if status[r] == PAID and settlement[r] < 0 and r not in w.captures_of}

        def candidates(s) -> list[int]:
            """Paid, due by the hold bounds, and with a net amount no other unsettled payment has: the
            balance report's pending amount tells which one is stuck by its amount alone."""
            return [r for r in s.payments if r not in used and p["status"][r] == PAID
                    and due_by(p["method"][r], p["paid"][r]) < closed_by and _net(p, r) not in unsettled]

        choices = [s for s in paid_out if candidates(s)]
        for s in self.rng.sample(choices, min(self.per_kind, len(choices))):
            row = self.rng.choice(candidates(s))
            used.add(row)
            unsettled.add(_net(p, row))
            del s.payments[s.payments.index(row)]
            s.touch()
            p["settlement"][row] = -1
            at = p["paid"][row]
            events[events.index((at, 0, row, 0))] = (at, 0, row, NEVER)
            self.planted.append(("pending_funds_never_released", row, at))

    def record_truth(self) -> None:
        w, p, tx = self.world, self.world.payments, self.world.tables["transactions"]
        cbs = w.tables["chargebacks"]
        for kind, row, at in self.planted:
            if kind == "reversal_never_credited":
                w.ground_truth.append(_entry(kind, [cbs.id(row), p.id(cbs["payment"][row])], cbs["amount"][row],
                                             "chargeback reversed by Mollie, never credited to the balance"))
            elif kind == "returned_payout_never_repaid":
                s = w.settlements[row]
                t = _tx(w, "returned-transfer", row, at)
                w.ground_truth.append(_entry(kind, [w_settlement_id(w, s), tx.id(t)], tx["initial"][t],
                                             "payout returned by the bank and paid out by no later settlement"))
            elif kind == "invoice_compensated_twice":
                inv = next(i for i in w.invoices if i.issued_at == at)
                rows = [t for t in range(tx.n) if tx["kind"][t] == TX_KINDS.index("invoice-compensation")
                        and tx["ref"][t] == inv.index]
                w.ground_truth.append(_entry(kind, [invoice_id(w, inv.index)] + [tx.id(t) for t in rows],
                                             -tx["initial"][rows[0]], "invoice taken from the balance twice"))
            elif kind == "capture_missing_from_settlement":
                caps = w.tables["captures"]
                w.ground_truth.append(_entry(kind, [caps.id(row), p.id(caps["payment"][row]),
                                                    w_settlement_id(w, w.settlements[at])], caps["amount"][row],
                                             "capture released in a paid-out settlement's window, in no settlement"))
            else:
                t = _tx(w, "payment", row, at)
                w.ground_truth.append(_entry(kind, [p.id(row), tx.id(t)], tx["initial"][t] + tx["deduction"][t],
                                             "paid payment whose funds were never released nor settled"))


def _net(payments, row: int) -> int:
    return payments["amount"][row] - payments["fee_net"][row] - payments["fee_vat"][row]


def _tx(world: World, kind: str, ref: int, at: int) -> int:
    tx = world.tables["transactions"]
    code = TX_KINDS.index(kind)
    return next(t for t in range(tx.n) if tx["kind"][t] == code and tx["ref"][t] == ref and tx["created"][t] == at)


def _entry(kind: str, ids: list[str], minor: int, description: str) -> dict:
    return {"kind": kind, "ids": ids, "amount": money(minor), "description": description}
