"""Balance reports: the balance's movements over Europe/Amsterdam days, `from` inclusive and
`until` exclusive, grouped by transaction category or by status balance.

All emulated movements are immediately available (no pending part), so pending totals are zero,
and closing = opening + the sum of the period's movements, exactly as the transactions list shows.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from .clock import ams_midnight_ts
from .errors import ApiError
from .money import amount
from .render_common import Ctx, doc_link
from .resource_ids import balance_id
from .store import METHODS, TX_KINDS

CATEGORY = {"payment": "payments", "capture": "payments", "refund": "refunds", "refund-compensation": "refunds",
            "chargeback": "chargebacks", "chargeback-reversal": "chargebacks", "outgoing-transfer": "transfers",
            "balance-correction": "corrections"}
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
    kinds, initial, deduction, ref = t["kind"], t["initial"], t["deduction"], t["ref"]
    opening = sum(initial[i] + deduction[i] for i in range(lo))
    by_type: dict[str, list] = {}
    by_method: dict[tuple, list] = {}
    fees = [0, 0]
    method_col = w.payments["method"]
    for i in range(lo, hi):
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
    closing = opening + movement

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
        totals: dict = {"open": {"available": _sub(opening), "pending": _sub(0)}}
        for category in CATEGORIES:
            kinds_here = [k for k, c in CATEGORY.items() if c == category and k in by_type]
            total = sum(by_type[k][1] for k in kinds_here)
            subtotals = [type_subtotals(k) for k in kinds_here]
            if category == "fee-prepayments":
                total, subtotals = fees[1], fee_subtotals
            totals[category] = {"pending": _sub(0), "movedToAvailable": _sub(0),
                                "immediatelyAvailable": _sub(total, subtotals)}
        totals["close"] = {"available": _sub(closing), "pending": _sub(0)}
    else:
        subtotals = [type_subtotals(k) for k in sorted(by_type)] + fee_subtotals
        totals = {
            "pendingBalance": {"open": _sub(0), "pending": _sub(0), "movedToAvailable": _sub(0), "close": _sub(0)},
            "availableBalance": {"open": _sub(opening), "movedFromPending": _sub(0),
                                 "immediatelyAvailable": _sub(movement, subtotals), "close": _sub(closing)},
        }
    bid = balance_id(w)
    return {
        "resource": "balance-report", "balanceId": bid, "timeZone": "Europe/Amsterdam", "from": frm, "until": until,
        "grouping": grouping, "totals": totals,
        "_links": {"self": ctx.link(f"/balances/{bid}/report?from={frm}&until={until}&grouping={grouping}"),
                   "documentation": doc_link("get-balance-report")},
    }
