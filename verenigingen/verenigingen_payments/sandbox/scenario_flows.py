"""What a real Mollie account shows besides dues, refunds and chargebacks (flows "real"): direct debits
that fail while their funds are still pending, chargebacks reversed, refunds the bank sends back,
payouts returned by the bank or canceled, and invoices taken from the balance. Seeded shares; every
one is booked as the documented balance transaction at its moment (scenario._write_transactions)."""

from __future__ import annotations

import random

from .holds import released_at
from .lifecycle import reverse_chargeback
from .planting_flows import PLANT_ACTIONS
from .returns import fail_payout, fail_refund
from .settling import build_invoices
from .store import PAID, PAYMENT_STATUSES, TX_KINDS, World

DAY = 86400
FAILED = PAYMENT_STATUSES.index("failed")
# event codes of actions run in time order while the ledger is written (above the TX_KINDS indices)
INVOICES, REVERSE, FAIL_REFUND, RETURN_PAYOUT, CANCEL_PAYOUT = 20, 21, 22, 23, 24
SHARES = {"failed_direct_debits": 0.01, "reversed_chargebacks": 0.15, "failed_refunds": 0.10,
          "returned_payouts": 1 / 12, "canceled_payouts": 1 / 24}

ACTIONS = {**PLANT_ACTIONS,
    INVOICES: lambda world, row, at: build_invoices(world, at),
    REVERSE: lambda world, row, at: reverse_chargeback(world, row, at),
    FAIL_REFUND: lambda world, row, at: fail_refund(world, row, at),
    RETURN_PAYOUT: lambda world, row, at: fail_payout(world, world.settlements[row], at, "returned"),
    CANCEL_PAYOUT: lambda world, row, at: fail_payout(world, world.settlements[row], at, "canceled"),
}


class RealFlows:
    def __init__(self, world: World, rng: random.Random, now: int) -> None:
        self.world, self.rng, self.now = world, rng, now
        self.failed_payments: list[tuple[int, int]] = []  # (row, failed at)
        self.used_chargebacks: set[int] = set()
        self.used_refunds: set[int] = set()
        self.used_settlements: set[int] = set()

    def fail_direct_debits(self) -> None:
        """Some paid direct debits fail a day after they were paid, before their funds are released:
        they leave their settlement and are booked as `payment` then `failed-payment`."""
        w, p, rng = self.world, self.world.payments, self.rng
        gone: dict[int, set] = {}
        for row in range(p.n):
            if p["status"][row] != PAID or p["method"][row] != 0 or rng.random() >= SHARES["failed_direct_debits"]:
                continue
            at = p["paid"][row] + DAY
            if at > self.now or at >= released_at(0, p["paid"][row]):
                continue
            gone.setdefault(p["settlement"][row], set()).add(row)
            p["settlement"][row], p["status"][row], p["done"][row] = -1, FAILED, at
            self.failed_payments.append((row, at))
        for index, rows in gone.items():
            s = w.settlements[index]
            s.payments = type(s.payments)(s.payments.typecode, (r for r in s.payments if r not in rows))
            s.touch()

    def events(self) -> list[tuple]:
        w, rng, now = self.world, self.rng, self.now
        out = [(p_at, 0, row, 0) for row, p_at in ((r, w.payments["paid"][r]) for r, _ in self.failed_payments)]
        out += [(at, TX_KINDS.index("failed-payment"), row, 0) for row, at in self.failed_payments]
        cbs = w.tables["chargebacks"]
        for c in range(cbs.n):
            if cbs["settlement"][c] < 0 or rng.random() >= SHARES["reversed_chargebacks"]:
                continue
            at = cbs["created"][c] + rng.randrange(5 * DAY, 30 * DAY)
            if at <= now:
                self.used_chargebacks.add(c)
                out.append((at, REVERSE, c, 0))
        refunds = w.tables["refunds"]
        for r in range(refunds.n):
            if refunds["settlement"][r] < 0 or refunds["payment"][r] >= w.payments.n \
                    or rng.random() >= SHARES["failed_refunds"]:
                continue
            at = refunds["created"][r] + rng.randrange(2 * DAY, 6 * DAY)
            if at <= now:
                self.used_refunds.add(r)
                out.append((at, FAIL_REFUND, r, 0))
        for s in w.settlements:
            if s.payout_at + 3 * DAY > now:
                break
            draw = rng.random()
            if draw < SHARES["returned_payouts"]:
                out.append((s.payout_at + 3 * DAY, RETURN_PAYOUT, s.index, 0))
            elif draw < SHARES["returned_payouts"] + SHARES["canceled_payouts"]:
                out.append((s.payout_at + 3600, CANCEL_PAYOUT, s.index, 0))
            else:
                continue
            self.used_settlements.add(s.index)
        return out
