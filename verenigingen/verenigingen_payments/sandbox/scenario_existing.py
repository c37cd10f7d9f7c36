"""The "existing-account" scenario: the Mollie account an association already has when it installs the
app — 240 members over 30 months (Jan 2023 – Jun 2025), their customers, mandates, subscriptions in
every status, the payments, refunds, open chargebacks and settlements of those years — and the
association's own member register, with the ground truth of matching Mollie's customers to it.

"existing-account-small" is the same account in small (100 members, 14 months), for the tests.

Shaped after `scenario.generate` has built the world (registered in `scenario.SHAPERS`):
- members 3, 4, 5 changed their e-mail at Mollie (their customers still carry `metadata.memberNumber`):
  matched by metadata, not by e-mail;
- members 6 and 7 left the register (their customers match no member): exception `customer_without_member`;
- member 8 has a second customer (same e-mail): exception `member_with_two_customers` for both;
- the mandate of member 9's active subscription was revoked: exception `subscription_on_revoked_mandate`;
- one active subscription is `pending` and one canceled one `completed`, so every status occurs.
Each twist picks the lowest-numbered SEPA members with a subscription, so the choice is stable.
`generate("existing-account", seed)[0].adoption_truth` holds the register, the expected matching and
`day_one`: the figures the dashboard must show right after adopt, counted from the world itself over
the subscriptions of matched customers (the one on a revoked mandate left out: it is on the exception
list) — `active_members`: running at Mollie (active, or pending with a paid payment) and whose newest
payment with an outcome was not failed, expired, canceled or charged back (such a member is past due,
as the webhooks would make them the next day); `mrr`: the monthly dues of the active and past-due
ones (a suspended subscription is past due); `volume_30d`: paid payments by paid time in the 30
Amsterdam days up to and including today (count and EUR amount).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from .clock import AMSTERDAM
from .store import MANDATE_STATUSES, PAID, PAYMENT_STATUSES, SUBSCRIPTION_STATUSES, World

NAME = "existing-account"
SMALL_NAME = "existing-account-small"  # the same twists on 100 members over 14 months (May 2024 – Jun 2025): the tests'
MOVED_EMAIL, LEFT, TWO_CUSTOMERS, REVOKED = (0, 1, 2), (3, 4), 5, 6  # indexes into the SEPA members


def member_reference(member: int) -> str:
    return f"LID-{member + 1001}"


def register_email(member: int) -> str:
    return f"lid{member + 1001}@example.org"


def _sepa_members(world: World) -> list[tuple[int, int, int]]:
    """(member, customer row, subscription row) of the subscribed members, by member number."""
    customers, subs = world.tables["customers"], world.tables["subscriptions"]
    found = []
    for row in range(len(subs)):
        customer = subs["customer"][row]
        found.append((customers["member"][customer], customer, row))
    return sorted(found)


def shape(world: World, now: int) -> None:
    customers, mandates, subs = world.tables["customers"], world.tables["mandates"], world.tables["subscriptions"]
    active = [t for t in _sepa_members(world) if SUBSCRIPTION_STATUSES[subs["status"][t[2]]] == "active"]
    for member, customer, _sub in (active[i] for i in MOVED_EMAIL):
        customers.extras[customer] = {"name": f"Lid {member + 1001}", "email": f"prive.{member + 1001}@mail.example",
                                      "locale": "nl_NL", "metadata": {"memberNumber": str(member + 1001)}}
    for member, customer, _sub in (active[i] for i in LEFT):
        customers.extras[customer] = {"name": f"Oud-lid {member + 1001}", "email": f"oud.{member + 1001}@mail.example",
                                      "locale": "nl_NL", "metadata": None}
    member, customer, _sub = active[TWO_CUSTOMERS]
    customers.add(created=customers["created"][customer] + 86400, member=member)
    _member, _customer, sub = active[REVOKED]
    mandates["status"][subs["mandate"][sub]] = MANDATE_STATUSES.index("invalid")
    subs["status"][active[7][2]] = SUBSCRIPTION_STATUSES.index("pending")
    canceled = [t for t in _sepa_members(world) if SUBSCRIPTION_STATUSES[subs["status"][t[2]]] == "canceled"]
    if canceled:
        subs["status"][canceled[0][2]] = SUBSCRIPTION_STATUSES.index("completed")
    world.adoption_truth = _truth(world, active)
    world.adoption_truth["day_one"] = _day_one(world, world.adoption_truth["customers"], active[REVOKED][2], now)


def _truth(world: World, active: list[tuple[int, int, int]]) -> dict:
    customers, subs = world.tables["customers"], world.tables["subscriptions"]
    left = {active[i][0] for i in LEFT}
    members = sorted({customers["member"][row] for row in range(len(customers))} - left)
    register = [{"reference": member_reference(m), "email": register_email(m), "number": str(m + 1001)}
                for m in members]
    twice = active[TWO_CUSTOMERS][0]
    expected = {}
    for row in range(len(customers)):
        member = customers["member"][row]
        expected[customers.id(row)] = None if member in left or member == twice else member_reference(member)
    return {
        "register": register,
        "customers": expected,
        "matched_by_metadata": sorted(customers.id(active[i][1]) for i in MOVED_EMAIL),
        "exceptions": sorted(
            [("customer_without_member", customers.id(active[i][1])) for i in LEFT]
            + [("member_with_two_customers", customers.id(row)) for row in range(len(customers))
               if customers["member"][row] == twice]
            + [("subscription_on_revoked_mandate", subs.id(active[REVOKED][2]))]),
    }



def _latest_outcome(world: World, subscription: int) -> str | None:
    """"paid" or "failed" (failed, expired, canceled or charged back) of the newest payment with an outcome."""
    payments = world.payments
    for row in sorted(world.by_subscription.get(subscription, ()), key=lambda r: (payments["created"][r], r),
                      reverse=True):
        if payments["charged_back"][row] > 0:
            return "failed"
        status = PAYMENT_STATUSES[payments["status"][row]]
        if status == "paid":
            return "paid"
        if status in ("failed", "expired", "canceled"):
            return "failed"
    return None


def _day_one(world: World, expected: dict, revoked: int, now: int) -> dict:
    customers, subs, payments = world.tables["customers"], world.tables["subscriptions"], world.payments
    members = mrr = 0
    for row in range(len(subs)):
        if row == revoked or expected.get(customers.id(subs["customer"][row])) is None:
            continue
        status = SUBSCRIPTION_STATUSES[subs["status"][row]]
        if status in ("canceled", "completed"):
            continue
        if status != "suspended" and _latest_outcome(world, row) != "failed" and (
                status == "active" or _latest_outcome(world, row) == "paid"):
            members += 1
        if status != "pending" or _latest_outcome(world, row) is not None:
            mrr += subs["amount"][row] // subs["months"][row]
    today = datetime.fromtimestamp(now, AMSTERDAM).date()
    window = int(datetime.combine(today - timedelta(days=29), time(0), AMSTERDAM).timestamp())
    paid = [payments["amount"][row] for row in range(len(payments))
            if payments["status"][row] == PAID and payments["paid"][row] >= window]
    return {"active_members": members, "mrr": f"{Decimal(mrr) / 100:.2f}",
            "volume_30d": {"count": len(paid), "amount": f"{Decimal(sum(paid)) / 100:.2f}"}}
