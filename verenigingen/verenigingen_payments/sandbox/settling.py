"""Settlement arithmetic, payouts and monthly invoices, all derived from the ledger rows.

A settlement's amount = its payments + its captures - its refunds - its chargebacks - the fees (with
VAT) of its payments and captures, and with flows "real" also + chargeback reversals + returned
refunds + payouts it pays again + balance corrections - invoices compensated (+ a planted delta). Its `periods` revenue and costs lines add up
to the same amount.
"""

from __future__ import annotations

from datetime import datetime

from .clock import AMSTERDAM
from .currencies import settled
from .fees import fee_vat
from .store import Invoice, Settlement, World


def settlement_totals(world: World, s: Settlement) -> dict:
    """Per-method sums of one settlement's lines (cached until its lines change)."""
    if s.totals is not None:
        return s.totals
    p, r, c, cap = world.payments, world.tables["refunds"], world.tables["chargebacks"], world.tables["captures"]
    amount_col, method_col, net_col, vat_col = p["amount"], p["method"], p["fee_net"], p["fee_vat"]
    revenue: dict[int, list] = {}
    costs: dict[int, list] = {}
    conv = world.converted
    for row in s.payments:
        value = amount_col[row] if row not in conv else settled(world, row, amount_col[row])
        _charge(revenue, costs, method_col[row], value, net_col[row], vat_col[row])
    for row in s.captures:
        pay = cap["payment"][row]
        _charge(revenue, costs, method_col[pay], settled(world, pay, cap["amount"][row]), cap["fee_net"][row],
                cap["fee_vat"][row])
    refunds: dict[int, list] = {}
    for row in s.refunds:
        _count(world, refunds, r["payment"][row], -r["amount"][row])
    chargebacks: dict[int, list] = {}
    for row in s.chargebacks:
        _count(world, chargebacks, c["payment"][row], -c["amount"][row])
    reversals: dict[int, list] = {}
    for row in s.reversals:
        _count(world, reversals, c["payment"][row], c["amount"][row])
    returned: dict[int, list] = {}
    for row in s.returned_refunds:
        _count(world, returned, r["payment"][row], r["amount"][row])
    carried = [(i, settlement_totals(world, world.settlements[i])["amount"]) for i in s.carried]
    compensations = [(i, *invoice_extra(world.invoices[i])) for i in s.compensations]
    lines_total = (
        sum(v[1] for v in revenue.values()) + sum(v[1] for v in refunds.values())
        + sum(v[1] for v in chargebacks.values()) + sum(v[1] for v in reversals.values())
        + sum(v[1] for v in returned.values()) + sum(a for _, a in carried) + sum(a for _, a in s.corrections)
        - sum(v[1] + v[2] for v in costs.values()) - sum(net + vat for _, net, vat in compensations)
    )
    s.totals = {
        "revenue": revenue, "refunds": refunds, "chargebacks": chargebacks, "reversals": reversals, "costs": costs,
        "returned_refunds": returned, "carried": carried, "compensations": compensations,
        "lines_total": lines_total, "amount": lines_total + s.amount_delta,
    }
    return s.totals


def _count(world: World, lines: dict, pay: int, minor: int) -> None:
    """One refund/chargeback/reversal of payment `pay` on its method's line, in the balance's currency
    (a payment that does not exist, planted, counts as iDEAL)."""
    line = lines.setdefault(world.payments["method"][pay] if pay < world.payments.n else 1, [0, 0])
    line[0] += 1
    line[1] += settled(world, pay, minor)


def invoice_extra(inv: Invoice) -> tuple[int, int]:
    """What an invoice charges beyond the fees already withheld per payment: (net, VAT)."""
    return sum(v[1] for v in inv.extra.values()), sum(v[2] for v in inv.extra.values())


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
    s.payout_tx = world.add_transaction(s.payout_at, "outgoing-transfer", s.index, -amount, balance=s.balance)
    s.paid_out = True


def month_key(ts: int) -> str:
    return datetime.fromtimestamp(ts, AMSTERDAM).strftime("%Y-%m")


def build_invoices(world: World, now: int) -> None:
    """One invoice per complete month: the fees of the settlements of that month."""
    done = {inv.month for inv in world.invoices}
    months: dict[str, list] = {}
    for s in world.settlements_of(0):
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
        inv = Invoice(len(world.invoices), key, settlements[-1].end + 3600, lines)
        world.invoices.append(inv)
        if world.real_flows:
            compensate_invoice(world, inv, settlements)


#: Costs Mollie invoices rather than withholds (flows "real"; the amounts are the emulator's choice).
INVOICED_COSTS = (("refunds", "Refund handling", 25), ("chargebacks", "Chargeback handling", 250))


def compensate_invoice(world: World, inv: Invoice, settlements: list[Settlement], times: int = 1) -> list[int]:
    """Invoice the month's refund and chargeback handling and take it from the balance: an
    `invoice-compensation` transaction (context invoiceId) at the invoice's time, in the settlement of
    that time (a costs line there). `times` > 1 books it again (planted)."""
    for lines, label, net_each in INVOICED_COSTS:
        count = sum(len(getattr(s, lines)) for s in settlements)
        if count:
            net = count * net_each
            inv.extra[label] = [count, net, fee_vat(net)]
    net, vat = invoice_extra(inv)
    if not net:
        return []
    rows = [world.add_transaction(inv.issued_at, "invoice-compensation", inv.index, -(net + vat))
            for _ in range(times)]
    s = world.settlement_at(inv.issued_at)
    if s is not None:
        s.compensations.append(inv.index)
        s.touch()
    return rows


def invoice_for(world: World, s: Settlement) -> Invoice | None:
    """The primary balance's settlement's monthly invoice (another balance's fees are withheld only)."""
    if s.balance:
        return None
    key = month_key(s.start)
    for inv in world.invoices:
        if inv.month == key:
            return inv
    return None
