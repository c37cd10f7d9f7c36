"""What a real Mollie account shows besides dues, refunds and chargebacks (flows "real"): direct debits
that fail while their funds are still pending, chargebacks reversed, refunds the bank sends back,
payouts returned by the bank or canceled, and invoices taken from the balance. Seeded shares; every
one is booked as the documented balance transaction at its moment (scenario._write_transactions)."""

from __future__ import annotations

import heapq
import random

from .currencies import open_book, place_payment, settled
from .fees import fee_net, fee_vat
from .holds import released_at
from .lifecycle import reverse_chargeback
from .planting_flows import PLANT_ACTIONS
from .returns import fail_payout, fail_refund
from .settling import build_invoices
from .store import CAPTURE_STATUSES, METHODS, PAID, PAYMENT_STATUSES, TX_KINDS, World

DAY = 86400
FAILED = PAYMENT_STATUSES.index("failed")
AUTHORIZED = PAYMENT_STATUSES.index("authorized")
CARD = METHODS.index("creditcard")
CAPTURE = TX_KINDS.index("capture")
# event codes of actions run in time order while the ledger is written (above the TX_KINDS indices)
INVOICES, REVERSE, FAIL_REFUND, RETURN_PAYOUT, CANCEL_PAYOUT = 20, 21, 22, 23, 24
SHARES = {"failed_direct_debits": 0.01, "reversed_chargebacks": 0.15, "failed_refunds": 0.10,
          "returned_payouts": 1 / 12, "canceled_payouts": 1 / 24, "manual_captures": 0.3, "partial_captures": 0.25,
          "pound_members": 0.25}
#: What a member paying in pounds pays instead of the euro dues (pence for cents).
POUND_DUES = {1000: 850, 1250: 1050, 1500: 1250, 2000: 1700, 2500: 2100}

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
        self.captured: dict[int, int] = {}  # payment row -> amount captured
        self.pounds: set[int] = set()  # payment rows in GBP

    def pay_in_pounds(self, opened: int) -> None:
        """A quarter of the card-paying members pay in pounds. The GBP balance opens at `opened`: a GBP
        payment paid from then on is settled on it in pence; one paid before is converted to euros on the
        primary balance (currencies.py). Fees are charged in the currency of the balance it reaches."""
        w, p = self.world, self.world.payments
        balance = open_book(w, "GBP", opened)
        members = sorted({p["member"][r] for r in range(p.n) if p["method"][r] == CARD and p["seq"][r] == 0})
        chosen = {m for m in members if self.rng.random() < SHARES["pound_members"]}
        gone: dict[int, set] = {}
        for row in range(p.n):
            if p["method"][row] != CARD or p["member"][row] not in chosen:
                continue
            p["amount"][row] = POUND_DUES[p["amount"][row]]
            p.extras.setdefault(row, {})["currency"] = "GBP"
            self.pounds.add(row)
            if p["status"][row] != PAID:
                continue
            on_book = place_payment(w, row, p["paid"][row]) == balance
            net = fee_net(CARD, settled(w, row, p["amount"][row]))
            p["fee_net"][row], p["fee_vat"][row] = net, fee_vat(net)
            if on_book:
                gone.setdefault(p["settlement"][row], set()).add(row)
                s = w.settlement_at(released_at(CARD, p["paid"][row]), balance)
                s.payments.append(row)
                s.touch()
                p["settlement"][row] = s.index
        _drop_lines(w, gone)

    def manual_captures(self) -> None:
        """Some card payments are holds (`captureMode: manual`): authorised when the customer paid, captured
        2 hours to 3 days later, fully or (a quarter of them) partly. The capture, not the payment, carries
        the money: a `capture` transaction and a line of the settlement of its release. A hold whose
        capture time is after now is still `authorized`; the clock captures it in full then."""
        w, p, rng = self.world, self.world.payments, self.rng
        gone: dict[int, set] = {}
        planned = []
        for row in range(p.n):
            if p["method"][row] != CARD or p["status"][row] != PAID or row in self.pounds \
                    or rng.random() >= SHARES["manual_captures"]:
                continue
            authorized, value = p["paid"][row], p["amount"][row]
            at = authorized + rng.randrange(2 * 3600, 3 * DAY)
            if rng.random() < SHARES["partial_captures"]:
                value = value * rng.randrange(50, 95) // 100
            p.extras.setdefault(row, {}).update(captureMode="manual", authorizedAt=authorized)
            gone.setdefault(p["settlement"][row], set()).add(row)
            p["settlement"][row], p["fee_net"][row], p["fee_vat"][row] = -1, 0, 0
            if at > self.now:
                p["status"][row], p["paid"][row], p["done"][row] = AUTHORIZED, 0, 0
                heapq.heappush(w.schedule, (at, "capture-payment", row))
            else:
                p["paid"][row] = p["done"][row] = at
                planned.append((at, row, value))
        _drop_lines(w, gone)
        caps = w.tables["captures"]
        for at, row, value in sorted(planned):
            net = fee_net(CARD, value)
            s = w.settlement_at(released_at(CARD, at))
            c = caps.add(created=at, payment=row, amount=value, status=CAPTURE_STATUSES.index("succeeded"),
                         settlement=s.index, fee_net=net, fee_vat=fee_vat(net))
            s.captures.append(c)
            s.touch()
            w.captures_of[row] = [c]
            self.captured[row] = value

    def without_captured_payments(self, events: list[tuple]) -> list[tuple]:
        """The ledger books a captured hold's `capture`, not a `payment`."""
        caps = self.world.tables["captures"]
        return [e for e in events if e[1] or e[2] not in self.captured] + [
            (caps["created"][c], CAPTURE, c, 0) for c in range(caps.n)]

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
        _drop_lines(w, gone)

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
        for s in w.settlements_of(0):
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


def _drop_lines(world: World, gone: dict[int, set]) -> None:
    """Take payment rows out of the settlements they were put in (settlement index -> rows)."""
    for index, rows in gone.items():
        s = world.settlements[index]
        s.payments = type(s.payments)(s.payments.typecode, (r for r in s.payments if r not in rows))
        s.touch()
