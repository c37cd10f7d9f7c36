"""Balance reports: the balance's movements over Europe/Amsterdam days, `from` inclusive and
`until` exclusive, grouped by transaction category or by status balance.

A movement whose funds are held (flows "real", holds.py) is pending from its creation until its
release; every other one is immediately available. available close = open + movedFromPending +
immediatelyAvailable, pending close = open + pending - movedToAvailable, exactly as the transactions
list (createdAt, and the release times) shows.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from .clock import ams_midnight_ts
from .errors import ApiError
from .holds import NEVER
from .money import amount
from .render_common import Ctx, doc_link
from .resource_ids import balance_id
from .store import METHODS, TX_KINDS

CATEGORY = {"payment": "payments", "capture": "payments", "failed-payment": "payments", "refund": "refunds",
            "refund-compensation": "refunds", "returned-refund": "refunds", "chargeback": "chargebacks",
            "chargeback-reversal": "chargebacks", "outgoing-transfer": "transfers", "returned-transfer": "transfers",
            "canceled-transfer": "transfers", "balance-correction": "corrections",
            "invoice-compensation": "corrections"}
CATEGORIES = ("payments", "refunds", "chargebacks", "capital", "transfers", "fee-prepayments", "corrections", "topups")


def _day(args, name: str) -> str:
    raw = args.get(name)
    if not raw:
        raise ApiError(400, f"The '{name}' query parameter is required (YYYY-MM-DD).", field=name)
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise ApiError(400, f"The '{name}' date is invalid; use YYYY-MM-DD.", field=name) from None


def _sub(minor: int, subtotals: list | None = None) -> dict:
    out = {"amount": amount(minor)}
    if subtotals:
        out["subtotals"] = subtotals
    return out


def _held(t, start: int, end: int, now: int) -> dict:
    """The held movements' sums: pending at `start` (open), put on hold in [start, end) (in), released in
    [start, end) (moved), the last two also per category. A release after `now` has not happened yet."""
    out = {"open": 0, "in": 0, "moved": 0, "by_category": {}}
    created, released, kinds, initial, deduction = t["created"], t["available"], t["kind"], t["initial"], t["deduction"]
    for i in range(bisect_left(created, end)):
        at = released[i]
        if at <= created[i]:
            continue
        at = at if at <= now else NEVER
        value = initial[i] + deduction[i]
        line = out["by_category"].setdefault(CATEGORY[TX_KINDS[kinds[i]]], [0, 0])
        if created[i] < start <= at:
            out["open"] += value
        if created[i] >= start:
            out["in"] += value
            line[0] += value
        if start <= at < end:
            out["moved"] += value
            line[1] += value
    out["by_category"] = {k: tuple(v) for k, v in out["by_category"].items()}
    return out


def render_report(ctx: Ctx, args) -> dict:
    w = ctx.world
    frm, until = _day(args, "from"), _day(args, "until")
    grouping = args.get("grouping") or "transaction-categories"
    if grouping not in ("status-balances", "transaction-categories"):
        raise ApiError(400, "The grouping must be 'status-balances' or 'transaction-categories'.", field="grouping")
    if until <= frm:
        raise ApiError(400, "The 'until' date must be after the 'from' date.", field="until")
    t = w.tables["transactions"]
    created = t["created"]
    lo, hi = bisect_left(created, ams_midnight_ts(frm)), bisect_left(created, ams_midnight_ts(until))
    kinds, initial, deduction, ref, released = t["kind"], t["initial"], t["deduction"], t["ref"], t["available"]
    start, end = ams_midnight_ts(frm), ams_midnight_ts(until)
    held = _held(t, start, end, w.now)
    opening = sum(initial[i] + deduction[i] for i in range(lo)) - held["open"]
    by_type: dict[str, list] = {}
    by_method: dict[tuple, list] = {}
    fees = [0, 0]
    method_col = w.payments["method"]
    for i in range(lo, hi):
        if released[i] > created[i]:
            continue  # held: counted in the pending columns
        kind = TX_KINDS[kinds[i]]
        line = by_type.setdefault(kind, [0, 0])
        line[0] += 1
        line[1] += initial[i]
        if kind == "payment":
            m = by_method.setdefault((kind, METHODS[method_col[ref[i]]]), [0, 0])
            m[0] += 1
            m[1] += initial[i]
        if deduction[i]:
            fees[0] += 1
            fees[1] += deduction[i]
    movement = sum(v[1] for v in by_type.values()) + fees[1]
    closing = opening + movement + held["moved"]
    pend = {"open": _sub(held["open"]), "pending": _sub(held["in"]), "movedToAvailable": _sub(held["moved"]),
            "close": _sub(held["open"] + held["in"] - held["moved"])}

    def type_subtotals(kind: str) -> list:
        count, total = by_type[kind]
        entry = {"transactionType": kind, "count": count, "amount": amount(total)}
        methods = [{"method": m, "count": c, "amount": amount(v)}
                   for (k, m), (c, v) in sorted(by_method.items()) if k == kind]
        if methods:
            entry["subtotals"] = methods
        return entry

    fee_subtotals = [{"transactionType": "fee-prepayment", "count": fees[0], "amount": amount(fees[1])}] if fees[0] else []
    if grouping == "transaction-categories":
        totals: dict = {"open": {"available": _sub(opening), "pending": pend["open"]}}
        for category in CATEGORIES:
            kinds_here = [k for k, c in CATEGORY.items() if c == category and k in by_type]
            total = sum(by_type[k][1] for k in kinds_here)
            subtotals = [type_subtotals(k) for k in kinds_here]
            if category == "fee-prepayments":
                total, subtotals = fees[1], fee_subtotals
            in_held, moved = held["by_category"].get(category, (0, 0))
            totals[category] = {"pending": _sub(in_held), "movedToAvailable": _sub(moved),
                                "immediatelyAvailable": _sub(total, subtotals)}
        totals["close"] = {"available": _sub(closing), "pending": pend["close"]}
    else:
        subtotals = [type_subtotals(k) for k in sorted(by_type)] + fee_subtotals
        totals = {
            "pendingBalance": pend,
            "availableBalance": {"open": _sub(opening), "movedFromPending": pend["movedToAvailable"],
                                 "immediatelyAvailable": _sub(movement, subtotals), "close": _sub(closing)},
        }
    bid = balance_id(w)
    return {
        "resource": "balance-report", "balanceId": bid, "timeZone": "Europe/Amsterdam", "from": frm, "until": until,
        "grouping": grouping, "totals": totals,
        "_links": {"self": ctx.link(f"/balances/{bid}/report?from={frm}&until={until}&grouping={grouping}"),
                   "documentation": doc_link("get-balance-report")},
    }
