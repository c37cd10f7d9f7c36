"""Settlement arithmetic, payouts and monthly invoices, all derived from the ledger rows.

A settlement's amount = its payments + its captures - its refunds - its chargebacks - the fees (with
VAT) of its payments and captures (+ a planted delta). Its `periods` revenue and costs lines add up
to the same amount.
"""

from __future__ import annotations

from datetime import datetime

from .clock import AMSTERDAM
from .store import Invoice, Settlement, World


def settlement_totals(world: World, s: Settlement) -> dict:
    """Per-method sums of one settlement's lines (cached until its lines change)."""
    if s.totals is not None:
        return s.totals
    p, r, c, cap = world.payments, world.tables["refunds"], world.tables["chargebacks"], world.tables["captures"]
    amount_col, method_col, net_col, vat_col = p["amount"], p["method"], p["fee_net"], p["fee_vat"]
    revenue: dict[int, list] = {}
    costs: dict[int, list] = {}
    for row in s.payments:
        _charge(revenue, costs, method_col[row], amount_col[row], net_col[row], vat_col[row])
    for row in s.captures:
        _charge(revenue, costs, method_col[cap["payment"][row]], cap["amount"][row], cap["fee_net"][row],
                cap["fee_vat"][row])
    refunds: dict[int, list] = {}
    for row in s.refunds:
        pay = r["payment"][row]
        m = method_col[pay] if pay < p.n else 1
        line = refunds.setdefault(m, [0, 0])
        line[0] += 1
        line[1] -= r["amount"][row]
    chargebacks: dict[int, list] = {}
    for row in s.chargebacks:
        m = method_col[c["payment"][row]]
        line = chargebacks.setdefault(m, [0, 0])
        line[0] += 1
        line[1] -= c["amount"][row]
    reversals: dict[int, list] = {}
    for row in s.reversals:
        line = reversals.setdefault(method_col[c["payment"][row]], [0, 0])
        line[0] += 1
        line[1] += c["amount"][row]
    lines_total = (
        sum(v[1] for v in revenue.values()) + sum(v[1] for v in refunds.values())
        + sum(v[1] for v in chargebacks.values()) + sum(v[1] for v in reversals.values())
        - sum(v[1] + v[2] for v in costs.values())
    )
    s.totals = {
        "revenue": revenue, "refunds": refunds, "chargebacks": chargebacks, "reversals": reversals, "costs": costs,
        "lines_total": lines_total, "amount": lines_total + s.amount_delta,
    }
    return s.totals


def _charge(revenue: dict, costs: dict, method: int, amount: int, net: int, vat: int) -> None:
    """One payment or capture: its amount on the method's revenue line, its fee on the cost line."""
    line = revenue.setdefault(method, [0, 0])
    line[0] += 1
    line[1] += amount
    cost = costs.setdefault(method, [0, 0, 0])
    cost[0] += 1
    cost[1] += net
    cost[2] += vat


def pay_out(world: World, s: Settlement) -> None:
    """Close a settlement: its amount leaves the balance as an outgoing transfer."""
    amount = settlement_totals(world, s)["amount"]
    s.payout_tx = world.add_transaction(s.payout_at, "outgoing-transfer", s.index, -amount)
    s.paid_out = True


def month_key(ts: int) -> str:
    return datetime.fromtimestamp(ts, AMSTERDAM).strftime("%Y-%m")


def build_invoices(world: World, now: int) -> None:
    """One invoice per complete month: the fees of the settlements of that month."""
    done = {inv.month for inv in world.invoices}
    months: dict[str, list] = {}
    for s in world.settlements:
        if s.end > now:
            break
        months.setdefault(month_key(s.start), []).append(s)
    for key, settlements in months.items():
        if key in done or len(settlements) < 2:
            continue
        lines: dict[int, list] = {}
        for s in settlements:
            for m, (count, net, vat) in settlement_totals(world, s)["costs"].items():
                line = lines.setdefault(m, [0, 0, 0])
                line[0] += count
                line[1] += net
                line[2] += vat
        world.invoices.append(Invoice(len(world.invoices), key, settlements[-1].end + 3600, lines))


def invoice_for(world: World, s: Settlement) -> Invoice | None:
    key = month_key(s.start)
    for inv in world.invoices:
        if inv.month == key:
            return inv
    return None
