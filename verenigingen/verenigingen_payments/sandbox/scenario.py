"""Deterministic scenarios: an association's members paying dues through Mollie.

Every member is a Mollie customer who pays monthly: most by SEPA direct debit on a mandate and a
subscription (some with a one-month trial, some canceled, a few with a mandate gone invalid and the
subscription suspended), others by iDEAL or card one-offs. Paid payments carry fees with VAT,
some are refunded or charged back (SEPA reason codes), settlements are paid out twice a month,
invoices are issued monthly, and the balance transactions are the ledger all of that moves through.
Same name + seed -> the same data, byte for byte.
"""

from __future__ import annotations

import heapq
import random
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import scenario_existing
from .clock import AMSTERDAM
from .currencies import settled
from .fees import fee_net, fee_vat
from .holds import released_at
from .planting import Planter
from .planting_flows import FlowPlanter
from .scenario_flows import ACTIONS, INVOICES, RealFlows
from .settling import build_invoices, pay_out
from .store import CHARGEBACK_REASONS, FLOWS, PAID, PAYMENT_STATUSES, TX_KINDS, Settlement, World, new_tables

DAY = 86400


@dataclass(frozen=True)
class ScenarioSpec:
    members: int
    months: int
    start: datetime
    plants_per_kind: int


SCENARIOS = {
    "association-small": ScenarioSpec(members=300, months=3, start=datetime(2025, 1, 1, tzinfo=AMSTERDAM), plants_per_kind=1),
    "association-large": ScenarioSpec(members=50_000, months=12, start=datetime(2025, 1, 1, tzinfo=AMSTERDAM), plants_per_kind=3),
    scenario_existing.NAME: ScenarioSpec(members=240, months=30, start=datetime(2023, 1, 1, tzinfo=AMSTERDAM), plants_per_kind=1),
    scenario_existing.SMALL_NAME: ScenarioSpec(members=100, months=14, start=datetime(2024, 5, 1, tzinfo=AMSTERDAM),
                                               plants_per_kind=1),
}
SHAPERS = {scenario_existing.NAME: scenario_existing.shape, scenario_existing.SMALL_NAME: scenario_existing.shape}  # scenario-specific changes after the build
FUTURE_MONTHS = 36  # settlement periods kept ready beyond the scenario for advancing the clock
STATUS = {name: i for i, name in enumerate(PAYMENT_STATUSES)}


def month_start(start: datetime, k: int) -> datetime:
    y, m = divmod(start.month - 1 + k, 12)
    return start.replace(year=start.year + y, month=m + 1, day=1)


def scenario_now(spec: ScenarioSpec) -> int:
    """Scenario 'now': four days before the last month ends, midday in Amsterdam."""
    end = month_start(spec.start, spec.months)
    return int((end - timedelta(days=4)).replace(hour=12).timestamp())


def build_settlement_periods(spec: ScenarioSpec) -> list[Settlement]:
    periods = []
    for k in range(spec.months + FUTURE_MONTHS):
        first = month_start(spec.start, k)
        mid = first.replace(day=16)
        nxt = month_start(spec.start, k + 1)
        for a, b in ((first, mid), (mid, nxt)):
            end = int(b.timestamp())
            periods.append(Settlement(len(periods), int(a.timestamp()), end, end + 2 * DAY + 10 * 3600))
    return periods


def generate(name: str, seed: int, discrepancies: bool = True, flows: str = "basic") -> tuple[World, int]:
    """Build the scenario's world; returns it and the scenario's 'now' (epoch seconds). `flows="real"`
    adds what a real account shows (scenario_flows.py); a scenario name ending in "-real" does the same."""
    if name.endswith("-real"):
        name, flows = name.removesuffix("-real"), "real"
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    if flows not in FLOWS:
        raise ValueError(f"unknown flows {flows!r}; known: {', '.join(FLOWS)}")
    spec = SCENARIOS[name]
    rng = random.Random(f"{name}:{seed}")
    now = scenario_now(spec)
    start = int(spec.start.timestamp())
    world = World(seed=seed, start=start, tables=new_tables(seed), settlements=build_settlement_periods(spec), now=now,
                  flows=flows)
    members = _members(spec, rng, start)
    _customers_mandates_subscriptions(world, members)
    _write_payments(world, spec, rng, members, now)
    real = RealFlows(world, random.Random(f"{name}:{seed}:flows"), now) if world.real_flows else None
    if real:
        real.pay_in_pounds(int(month_start(spec.start, 1).timestamp()))
        real.fail_direct_debits()
        real.manual_captures()
    refunds, chargebacks = _plan_refunds_chargebacks(world, rng, now, real.captured if real else {})
    planter = Planter(world, rng, now, spec.plants_per_kind) if discrepancies else None
    if planter:
        planter.before_ledger(refunds, chargebacks)
    events = _write_refunds_chargebacks(world, refunds, chargebacks)
    if real:
        events = real.without_captured_payments(events)
    if planter:
        events += planter.extra_events()
    events += [(s.payout_at, 3, s.index, 0) for s in world.settlements if s.payout_at <= now]
    events += [(s.end + 3600, INVOICES, s.index, 0) for s in world.settlements_of(0) if s.index % 2 and s.end + 3600 <= now]
    flow_planter = None
    if real:
        events += real.events()
        if discrepancies:
            flow_planter = FlowPlanter(world, random.Random(f"{name}:{seed}:plant-flows"), now, spec.plants_per_kind)
            events += flow_planter.events(real, events)
    _write_transactions(world, events)
    if planter:
        planter.record_truth()
    if flow_planter:
        flow_planter.record_truth()
    for s in world.settlements:
        s.payments = array("l", sorted(s.payments))
    build_invoices(world, now)
    _schedule_subscriptions(world, members, now)
    if name in SHAPERS:
        SHAPERS[name](world, now)
    return world, now


def _members(spec: ScenarioSpec, rng: random.Random, start: int) -> list[dict]:
    out = []
    for m in range(spec.members):
        r = rng.random()
        kind = 0 if r < 0.7 else (1 if r < 0.9 else 2)  # directdebit, ideal, creditcard
        join_month = 0 if rng.random() < 0.85 or spec.months < 2 else rng.randrange(1, spec.months)
        created = start - rng.randrange(30, 900) * DAY if join_month == 0 else None
        out.append({
            "member": m, "kind": kind, "join": join_month, "created": created, "day": rng.randrange(1, 29),
            "second": rng.randrange(8 * 3600, 20 * 3600), "dues": rng.choice((1000, 1250, 1500, 2000, 2500)),
            "trial": 1 if kind == 0 and rng.random() < 0.08 else 0,
            "cancel_at": (rng.randrange(1, spec.months) if spec.months > 1 and rng.random() < 0.05 else None),
            "suspend_at": None,
        })
    sepa = [m for m in out if m["kind"] == 0 and m["cancel_at"] is None and spec.months > 1]
    for m in rng.sample(sepa, max(1, len(sepa) // 150)):
        m["suspend_at"] = rng.randrange(1, spec.months)
    for m in out:
        if m["created"] is None:
            m["created"] = int(month_start(spec.start, m["join"]).timestamp()) + (m["day"] - 1) * DAY + m["second"] - 3600
    return out


def _customers_mandates_subscriptions(world: World, members: list[dict]) -> None:
    customers, mandates, subs = world.tables["customers"], world.tables["mandates"], world.tables["subscriptions"]
    for m in sorted(members, key=lambda m: (m["created"], m["member"])):
        m["customer"] = customers.add(created=m["created"], member=m["member"])
    for m in sorted(members, key=lambda m: (m["created"], m["member"])):
        if m["kind"] != 0:
            continue
        status = 2 if m["suspend_at"] is not None else 0
        m["mandate"] = mandates.add(created=m["created"] + 60, customer=m["customer"], status=status, method=0)
        world.mandates_of.setdefault(m["customer"], []).append(m["mandate"])
    for m in sorted(members, key=lambda m: (m["created"], m["member"])):
        if m["kind"] != 0:
            continue
        first = max(m["created"] + 120, world.start)
        start_date = _billing_ts(world.start, m, m["join"] + (1 if m["trial"] else 0))
        status = 1
        if m["cancel_at"] is not None:
            status = 2
        elif m["suspend_at"] is not None:
            status = 3
        m["subscription"] = subs.add(
            created=min(first, start_date - DAY), customer=m["customer"], mandate=m["mandate"], amount=m["dues"],
            months=1, start=start_date, status=status, canceled=0, next=0,
        )
        world.subscriptions_of.setdefault(m["customer"], []).append(m["subscription"])


_MONTH_STARTS: dict[tuple[int, int], int] = {}


def _billing_ts(start: int, m: dict, k: int) -> int:
    """Member m's billing moment in month k (its day of month, its time of day)."""
    base = _MONTH_STARTS.get((start, k))
    if base is None:
        base = _MONTH_STARTS[(start, k)] = int(month_start(datetime.fromtimestamp(start, AMSTERDAM), k).timestamp())
    return base + (m["day"] - 1) * DAY + m["second"]


def _outcome(r: float, method: int, suspended: bool) -> str:
    if suspended:
        return "failed"
    if method == 0:
        return "failed" if r < 0.04 else "paid"
    if method == 1:
        return "expired" if r < 0.04 else ("canceled" if r < 0.08 else "paid")
    return "failed" if r < 0.05 else "paid"


def _write_payments(world: World, spec: ScenarioSpec, rng: random.Random, members: list[dict], now: int) -> None:
    """Each member's monthly dues payments, generated month by month in billing order, so rows come out
    in creation order without sorting (a member's billing moment is the same day and time every month)."""
    payments = world.payments
    pending, paid_code = STATUS["pending"], STATUS["paid"]
    by_customer, by_subscription = world.by_customer, world.by_subscription
    order = sorted(members, key=lambda m: (m["day"], m["second"], m["member"]))
    fees = {(method, dues): fee_net(method, dues) for method in (0, 1, 2) for dues in {m["dues"] for m in members}}
    cols = {name: [] for name in ("created", "paid", "done", "amount", "method", "status", "seq", "customer",
                                  "subscription", "mandate", "settlement", "fee_net", "fee_vat", "member")}
    (created_c, paid_c, done_c, amount_c, method_c, status_c, seq_c, customer_c, subscription_c, mandate_c,
     settlement_c, net_c, vat_c, member_c) = cols.values()
    settlement_at, random_ = world.settlement_at, rng.random
    held = world.real_flows
    stopped: set[int] = set()
    row = payments.n
    for k in range(spec.months):
        month_ts = _billing_ts(world.start, {"day": 1, "second": 0}, k)
        for m in order:
            member = m["member"]
            if k < m["join"] + m["trial"] or member in stopped or (m["cancel_at"] is not None and k >= m["cancel_at"]):
                continue
            created = month_ts + (m["day"] - 1) * DAY + m["second"]
            if created > now:
                break
            kind = m["kind"]
            if kind == 0:
                seq = 1 if (k == m["join"] + m["trial"] and m["join"] > 0) else 2
                method = 1 if seq == 1 else 0
            else:
                seq, method = 0, kind
            suspended = m["suspend_at"] is not None and k >= m["suspend_at"]
            status = STATUS[_outcome(random_(), method, suspended)]
            if status == paid_code:
                paid = created + (3 * DAY if method == 0 else 30 + int(random_() * 570))
                if paid > now:
                    status, paid = pending, 0
            else:
                paid = 0
            dues = m["dues"]
            subscription = m.get("subscription", -1) if seq == 2 else -1
            if status == paid_code:
                net = fees[(method, dues)]
                settlement = settlement_at(released_at(method, paid) if held else paid)
                settlement.payments.append(row)
                settlement_c.append(settlement.index)
                net_c.append(net)
                vat_c.append(fee_vat(net))
                done_c.append(paid)
            else:
                settlement_c.append(-1)
                net_c.append(0)
                vat_c.append(0)
                done_c.append(0 if status == pending else created + 900)
                if status == pending:
                    heapq.heappush(world.schedule, (created + 3 * DAY, "settle-payment", row))
            created_c.append(created)
            paid_c.append(paid)
            amount_c.append(dues)
            method_c.append(method)
            status_c.append(status)
            seq_c.append(seq)
            customer_c.append(m["customer"])
            subscription_c.append(subscription)
            mandate_c.append(m.get("mandate", -1) if seq else -1)
            member_c.append(member)
            rows = by_customer.get(m["customer"])
            if rows is None:
                rows = by_customer[m["customer"]] = array("i")
            rows.append(row)
            if subscription >= 0:
                rows = by_subscription.get(subscription)
                if rows is None:
                    rows = by_subscription[subscription] = array("i")
                rows.append(row)
            if suspended:
                stopped.add(member)
            row += 1
    count = len(created_c)
    payments.bulk({**cols, "refunded": [0] * count, "charged_back": [0] * count}, count)


def _plan_refunds_chargebacks(world: World, rng: random.Random, now: int, captured: dict) -> tuple[list, list]:
    """Refund some card/iDEAL payments, charge back some direct debits (tuples, not yet rows); a captured
    hold is refunded from what was captured (`captured`: payment row -> amount)."""
    p = world.payments
    refunds, chargebacks = [], []
    for row in range(p.n):
        if p["status"][row] != PAID:
            continue
        paid, amount = p["paid"][row], p["amount"][row]
        if p["method"][row] != 0 and rng.random() < 0.03:
            at = paid + rng.randrange(DAY, 20 * DAY)
            if at <= now:
                amount = captured.get(row, amount)
                refunds.append((at, row, amount if rng.random() < 0.6 else amount // 2, True))
        elif p["method"][row] == 0 and rng.random() < 0.02:
            at = paid + rng.randrange(3 * DAY, 40 * DAY)
            if at <= now:
                chargebacks.append((at, row, amount, rng.randrange(len(CHARGEBACK_REASONS)), True))
    return refunds, chargebacks


def _write_refunds_chargebacks(world: World, refunds: list, chargebacks: list) -> list[tuple]:
    """Write refund and chargeback rows in time order; returns every ledger event (time, kind, row, amount)."""
    p = world.payments
    events = [(p["paid"][row], 0, row, 0) for row in range(p.n) if p["status"][row] == PAID]
    for at, row, amount, settle in sorted(refunds):
        s = world.settlement_at(at, world.on_book.get(row, 0)) if settle else None
        r = world.tables["refunds"].add(created=at, payment=row, amount=amount, status=3, settlement=s.index if s else -1)
        if s:
            s.refunds.append(r)
        if row < p.n:
            p["refunded"][row] += amount
        world.refunds_of.setdefault(row, []).append(r)
        events.append((at, 1, r, 0))
    for at, row, amount, reason, settle in sorted(chargebacks):
        s = world.settlement_at(at) if settle else None
        c = world.tables["chargebacks"].add(
            created=at, payment=row, amount=amount, reason=reason, settlement=s.index if s else -1, reversed=0
        )
        if s:
            s.chargebacks.append(c)
        p["charged_back"][row] += amount
        world.chargebacks_of.setdefault(row, []).append(c)
        events.append((at, 2, c, 0))
    return events


FAILED_PAYMENT = TX_KINDS.index("failed-payment")
CAPTURE = TX_KINDS.index("capture")


def _write_transactions(world: World, events: list[tuple]) -> None:
    """Book the ledger in time order; payouts and the other actions (ACTIONS) need the ledger so far,
    so they flush the batch first."""
    p, r, c, cap = world.payments, world.tables["refunds"], world.tables["chargebacks"], world.tables["captures"]
    tx = world.tables["transactions"]
    cols = {"created": [], "kind": [], "ref": [], "initial": [], "deduction": [], "available": []}
    amount_col, net_col, vat_col, method_col = p["amount"], p["fee_net"], p["fee_vat"], p["method"]
    held = world.real_flows
    foreign = world.on_book.keys() | world.converted

    def flush() -> None:
        world.balance_total += sum(cols["initial"]) + sum(cols["deduction"])
        for at, initial, deduction in zip(cols["available"], cols["initial"], cols["deduction"]):
            if at > world.now:
                world.held.append((at, initial + deduction))
                world.pending_total += initial + deduction
        tx.bulk(cols, len(cols["created"]))
        for values in cols.values():
            values.clear()

    for at, kind, row, amount in sorted(events):
        if kind == 3 or kind in ACTIONS:
            flush()
            if kind == 3:
                pay_out(world, world.settlements[row])
            else:
                ACTIONS[kind](world, row, at)
            continue
        available = 0
        if kind == 0:
            initial, deduction = amount_col[row], -(net_col[row] + vat_col[row])
            available = released_at(method_col[row], at) if held and row < p.n else 0
        elif kind == 1:
            initial, deduction = -r["amount"][row], 0
        elif kind == 2:
            initial, deduction = -c["amount"][row], 0
        elif kind == FAILED_PAYMENT:
            initial, deduction = -amount_col[row], net_col[row] + vat_col[row]
            available = released_at(method_col[row], p["paid"][row])
        elif kind == CAPTURE:
            initial, deduction = cap["amount"][row], -(cap["fee_net"][row] + cap["fee_vat"][row])
            available = released_at(method_col[cap["payment"][row]], at)
        else:
            initial, deduction = amount, 0
        if foreign and kind < 2:
            pay = row if kind == 0 else r["payment"][row]
            if pay in foreign:
                initial = settled(world, pay, initial)
                if pay in world.on_book:
                    world.add_transaction(at, TX_KINDS[kind], row, initial, deduction, available, world.on_book[pay])
                    continue
        cols["created"].append(at)
        cols["kind"].append(kind)  # event kinds are TX_KINDS indices
        cols["ref"].append(row)
        cols["initial"].append(initial)
        cols["deduction"].append(deduction)
        cols["available"].append(amount if kind == 0 and amount else available)
    flush()
    heapq.heapify(world.held)


def _schedule_subscriptions(world: World, members: list[dict], now: int) -> None:
    """Next payment dates of active subscriptions; cancellation times of canceled ones."""
    subs = world.tables["subscriptions"]
    for m in members:
        row = m.get("subscription")
        if row is None:
            continue
        k = 0
        while _billing_ts(world.start, m, k) <= max(now, subs["start"][row] - 1):
            k += 1
        if subs["status"][row] in (0, 1):
            subs["next"][row] = _billing_ts(world.start, m, k)
            heapq.heappush(world.schedule, (subs["next"][row], "charge-subscription", row))
        elif m["cancel_at"] is not None:
            subs["canceled"][row] = _billing_ts(world.start, m, m["cancel_at"]) - 5 * DAY
