"""Bank-side discrepancies planted in the association's account, and their ground truth.

Per kind `per_kind` times, each on its own paid-out settlement whose payout is due at the bank
(its matching window has passed by the scenario's now): a payout that never arrives, one credited
for less, one booked twice, one credited and then returned by the bank, and a credit from Mollie
that no settlement explains. Payouts that Mollie's own flows returned (`returned-transfer`) never
reach the account and are ground truth of `payout_returned_by_bank` too.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from ..workflows.payouts_at_bank.business_days import add_business_days
from ..workflows.payouts_at_bank.inputs import DEFAULT_BUSINESS_DAYS
from .bank_account import PAYOUT_DELAY_DAYS, AssociationBank, PayoutAtBank
from .resource_ids import settlement_id

SETTLEMENT_KINDS = ("payout_not_at_bank", "payout_amount_differs", "credit_booked_twice", "payout_returned_by_bank")
RETURN_REASONS = ("AC04", "AC06", "MD07")


def plant_bank_discrepancies(bank: AssociationBank, rng: random.Random, per_kind: int) -> None:
    due = [s for s in bank.paid_out() if not s.payout_failed and s.index not in bank.payouts
           and add_business_days(bank.credit_day(s), DEFAULT_BUSINESS_DAYS) <= bank.today()]
    rng.shuffle(due)
    for _ in range(per_kind):
        for kind in SETTLEMENT_KINDS:
            if not due:
                break
            _plant(bank, kind, due.pop(), rng)
        day = bank.first_day() + timedelta(days=rng.randrange(10, max(11, (bank.today() - bank.first_day()).days)))
        amount = Decimal(rng.randrange(500, 20000)) / 100
        text = f"{rng.randrange(1000000, 1999999):08d}.{day:%m%d}.09 Mollie correctie"
        bank.stray_credits.append((day, amount, text))
        ref = bank._stray_lines()[-1].entry_ref
        bank.ground_truth.append({"kind": "credit_without_settlement", "ids": [ref], "amount": f"{amount:f}",
                                  "description": f"a credit from Mollie on {day} ({text}) that no settlement paid out"})


def _plant(bank: AssociationBank, kind: str, s, rng: random.Random) -> None:
    sid = settlement_id(bank.world, s)
    credit, twice, back = bank.payout_refs(s)
    amount = bank.amount(s)
    if kind == "payout_not_at_bank":
        bank.payouts[s.index] = PayoutAtBank(never=True)
        ids, what = [sid], "the payout never arrives at the bank"
    elif kind == "payout_amount_differs":
        delta = Decimal(rng.randrange(35, 500)) / 100
        bank.payouts[s.index] = PayoutAtBank(amount_delta=delta)
        ids, what, amount = [sid, credit], f"the bank credits {delta} less than the payout", delta
    elif kind == "credit_booked_twice":
        bank.payouts[s.index] = PayoutAtBank(booked_twice=True)
        ids, what = [sid, twice, credit], "the bank books the payout's credit twice"
    else:
        reason = rng.choice(RETURN_REASONS)
        bank.payouts[s.index] = PayoutAtBank(returned=reason)
        ids, what = [sid, credit, back], f"the bank credits the payout, then returns it ({reason})"
    bank.ground_truth.append({"kind": kind, "ids": ids, "amount": f"{amount:f}", "description": what})


def delay_payout(bank: AssociationBank, s, business_days: int) -> dict:
    """The bank books the payout `business_days` later than usual; past the matching window it is
    ground truth of `payout_not_at_bank`."""
    how = bank.payouts.setdefault(s.index, PayoutAtBank())
    how.extra_days += business_days
    late = PAYOUT_DELAY_DAYS + how.extra_days > DEFAULT_BUSINESS_DAYS
    if late:
        bank.ground_truth.append({"kind": "payout_not_at_bank", "ids": [settlement_id(bank.world, s)],
                                  "amount": f"{bank.amount(s):f}",
                                  "description": f"the bank books the payout {how.extra_days} business days late"})
    return {"settlement": settlement_id(bank.world, s), "credit_day": bank.credit_day(s).isoformat(), "late": late}


def return_payout(bank: AssociationBank, s, reason: str) -> dict:
    how = bank.payouts.setdefault(s.index, PayoutAtBank())
    if how.returned or how.never:
        raise ValueError(f"payout of {settlement_id(bank.world, s)} is already returned or never arrived")
    how.returned = reason
    credit, _, back = bank.payout_refs(s)
    bank.ground_truth.append({"kind": "payout_returned_by_bank", "ids": [settlement_id(bank.world, s), credit, back],
                              "amount": f"{bank.amount(s):f}", "description": f"returned by the bank ({reason})"})
    return {"settlement": settlement_id(bank.world, s), "credit": credit, "return": back}


def bank_ground_truth(bank: AssociationBank) -> list[dict]:
    """Planted and control-made entries, plus the payouts Mollie's flows returned."""
    flows = [{"kind": "payout_returned_by_bank", "ids": [settlement_id(bank.world, s)], "amount": f"{bank.amount(s):f}",
              "description": "Mollie booked a returned-transfer: the payout never reached the account"}
             for s in bank.world.settlements_of(0) if s.payout_failed == "returned" and s.payout_at <= bank.world.now]
    return list(bank.ground_truth) + flows
