"""Pending then available funds: each method's hold time, and the balance's pending part.

Mollie credits a payment to the balance's pending amount and moves it to the available amount once
the method's hold has passed; a settlement holds what became available in its window. The docs give
no numbers, so the emulator chooses (sandbox/README.md): iDEAL 1 business day after payment, cards
3, SEPA direct debit 2 after the collection is paid (5 business days after it was submitted).
Refunds, chargebacks and the other debits leave the available amount at once.
"""

from __future__ import annotations

import heapq
from .store import World

HOLD_BUSINESS_DAYS = {0: 2, 1: 1, 2: 3}  # method row code: directdebit, ideal, creditcard
NEVER = 2**62  # a hold that is never released (planted)
#: The longest hold a reader of the account may assume per method (the reconciliation's `Holds`: SEPA
#: direct debit 10 days, the rest 5). A planted payment is decidable only once the settlement due to
#: hold it by these bounds has closed (planting.py, planting_flows.py).
HOLD_BOUNDS = {0: 10 * 86400}
DEFAULT_HOLD_BOUND = 5 * 86400


def released_at(method: int, paid: int) -> int:
    """When a payment (or capture) by `method` paid at `paid` becomes available: that many business
    days later, same time of day (weekdays counted on the CET calendar: fast enough for a year of
    payments, and at most an hour off around midnight in summer)."""
    return paid + _CALENDAR_DAYS[method][(((paid + 3600) // 86400) + 3) % 7] * 86400


def _calendar_days(business_days: int, weekday: int) -> int:
    days = 0
    while business_days:
        days += 1
        if (weekday + days) % 7 < 5:
            business_days -= 1
    return days


_CALENDAR_DAYS = {m: [_calendar_days(n, wd) for wd in range(7)] for m, n in HOLD_BUSINESS_DAYS.items()}


def due_by(method: int, paid: int) -> int:
    """When a payment paid at `paid` is available at the latest by `HOLD_BOUNDS`."""
    return paid + HOLD_BOUNDS.get(method, DEFAULT_HOLD_BOUND)


def last_close(world: World, now: int) -> int:
    """When the primary balance's latest settlement closed (its window's end) by `now`."""
    return max((s.end for s in world.settlements_of(0) if s.end <= now), default=world.start)


def available_at(world: World, method: int, paid: int) -> int:
    """The release time under the world's flows; 0 (at once) unless flows are "real"."""
    return released_at(method, paid) if world.real_flows else 0


def pending(world: World, balance: int = 0) -> int:
    """The pending amount of `balance` (0: the primary) now: releases whatever hold has passed."""
    book = world.books[balance - 1] if balance else world
    held = book.held
    while held and held[0][0] <= world.now:
        book.pending_total -= heapq.heappop(held)[1]
    return book.pending_total
