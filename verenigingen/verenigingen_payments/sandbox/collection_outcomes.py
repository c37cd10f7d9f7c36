"""Seeded collection outcomes by SEPA reason code, with the ground truth of what should follow.

`POST /_sandbox/collections/seed {"count": 40}` picks active SEPA subscriptions and plans how their next
collection ends: a failed direct debit (`details.bankReasonCode`) or a chargeback a few days after it
was paid, each with a reason code; and how the member's later recurring payments (the app's retries)
end. Nothing happens until the clock reaches those collections. The ground truth says, per member
and period, which decisions a collections policy with the default rules should make — written from
what the codes mean, not from the app's policy table.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from datetime import datetime

from .clock import AMSTERDAM
from .lifecycle import DAY, create_chargeback, set_payment_status
from .store import ALL_REASONS, MANDATE_STATUSES, PAYMENT_STATUSES, SUBSCRIPTION_STATUSES, World

REASON_TEXT = dict(ALL_REASONS) | {"AM04": "Insufficient funds", "MD06": "Refund request by end customer"}
#: (code, share of failures, failed debit or chargeback)
MIX = (("AM04", 30, "failed"), ("MS02", 10, "failed"), ("MS03", 8, "failed"), ("AC04", 8, "failed"),
       ("AC06", 5, "failed"), ("MD07", 3, "failed"), ("AG01", 4, "failed"), ("MD06", 14, "chargeback"),
       ("MD01", 8, "chargeback"), ("AM04", 10, "chargeback"))
#: What the codes call for: how many retries on the still-valid mandate, then contact or stop.
EXPECTED = {"AM04": (2, "contact"), "MD06": (0, "contact"), "MD01": (0, "contact"), "AC04": (0, "stop"),
            "AC06": (0, "stop"), "MD07": (0, "stop")}
OTHER = (1, "contact")
FAIL_AFTER = 2 * DAY  # a SEPA debit is returned a couple of days after its collection
CHARGEBACK_AFTER = 8 * DAY
ACTIONS = ("collection-fail", "collection-chargeback")


def record_bank_reason(world: World, row: int, code: str) -> None:
    world.payments.extras.setdefault(row, {}).update(bankReasonCode=code, bankReason=REASON_TEXT.get(code, code))


@dataclass
class CollectionPlan:
    first: dict = field(default_factory=dict)  # subscription row -> (kind, code)
    retries: dict = field(default_factory=dict)  # customer row -> ["failed"|"paid", …] for its next recurring payments
    retry_code: dict = field(default_factory=dict)  # customer row -> the code a failed retry gives
    truth: list = field(default_factory=list)

    def subscription_outcome(self, world: World, sub: int, row: int, at: int) -> str | None:
        """Called when Mollie charges `sub`: "pending" when this charge is planned (its end is scheduled)."""
        planned = self.first.pop(sub, None)
        if planned is None:
            return None
        kind, code = planned
        if kind == "failed":
            record_bank_reason(world, row, code)
            heapq.heappush(world.schedule, (at + FAIL_AFTER, "collection-fail", row))
        else:
            world.payments.extras.setdefault(row, {})["plannedChargeback"] = code
            heapq.heappush(world.schedule, (at + 3 * DAY, "settle-payment", row))
            heapq.heappush(world.schedule, (at + CHARGEBACK_AFTER, "collection-chargeback", row))
        return "pending"

    def recurring_created(self, world: World, row: int, at: int) -> None:
        """An API-created recurring payment (a retry) of a planned member ends as planned; others of
        planned members are paid, three days later, like any direct debit."""
        customer = world.payments["customer"][row]
        if customer not in self.retries:
            return
        outcomes = self.retries[customer]
        if outcomes and outcomes.pop(0) == "failed":
            record_bank_reason(world, row, self.retry_code[customer])
            heapq.heappush(world.schedule, (at + FAIL_AFTER, "collection-fail", row))
        else:
            heapq.heappush(world.schedule, (at + 3 * DAY, "settle-payment", row))

    def run(self, world: World, action: str, row: int, at: int) -> None:
        status = PAYMENT_STATUSES[world.payments["status"][row]]
        if action == "collection-fail" and status == "pending":
            set_payment_status(world, row, "failed", at)
        elif action == "collection-chargeback" and status == "paid":
            code = world.payments.extras[row]["plannedChargeback"]
            reason = [c for c, _ in ALL_REASONS].index(code)
            create_chargeback(world, row, world.payments["amount"][row], reason, at)


def seed(world: World, count: int, seed: int) -> list[dict]:
    """Plan `count` failing collections among the active SEPA subscriptions; returns the ground truth."""
    rng = random.Random(f"collections:{world.seed}:{seed}")
    plan = world.collections if isinstance(world.collections, CollectionPlan) else CollectionPlan()
    subs, mandates, customers = world.tables["subscriptions"], world.tables["mandates"], world.tables["customers"]
    active = SUBSCRIPTION_STATUSES.index("active")
    valid = MANDATE_STATUSES.index("valid")
    eligible = [s for s in range(subs.n) if subs["status"][s] == active and subs["mandate"][s] >= 0
                and mandates["status"][subs["mandate"][s]] == valid and s not in plan.first
                and subs["customer"][s] not in plan.retries]
    chosen = rng.sample(eligible, min(count, len(eligible)))
    weights = [share for _, share, _ in MIX]
    for sub in chosen:
        code, _, kind = rng.choices(MIX, weights)[0]
        customer = subs["customer"][sub]
        retries, then = EXPECTED.get(code, OTHER)
        paid_on = rng.choice(range(1, retries + 2)) if retries else None  # retry that succeeds, or none
        outcomes = ["paid" if paid_on == n else "failed" for n in range(1, retries + 1)]
        plan.first[sub] = (kind, code)
        plan.retries[customer] = outcomes
        plan.retry_code[customer] = code
        decisions = ["retry"] * (paid_on if paid_on and paid_on <= retries else retries)
        if not (paid_on and paid_on <= retries):
            decisions.append(then)
        period = datetime.fromtimestamp(subs["next"][sub] or subs["start"][sub], AMSTERDAM).strftime("%Y-%m")
        plan.truth.append({
            "customerId": customers.id(customer), "subscriptionId": subs.id(sub),
            "memberReference": str(customers["member"][customer] + 1001), "period": period, "reason": code,
            "kind": kind, "decisions": decisions, "recoveredByRetry": bool(paid_on and paid_on <= retries),
            "paysLink": rng.random() < 0.5,
        })
    world.collections = plan
    return plan.truth
