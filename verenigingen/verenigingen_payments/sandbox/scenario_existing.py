"""The "existing-account" scenario: the Mollie account an association already has when it installs the
app — 240 members over 30 months (Jan 2023 – Jun 2025), their customers, mandates, subscriptions in
every status, the payments, refunds, open chargebacks and settlements of those years — and the
association's own member register, with the ground truth of matching Mollie's customers to it.

Shaped after `scenario.generate` has built the world (registered in `scenario.SHAPERS`):
- members 3, 4, 5 changed their e-mail at Mollie (their customers still carry `metadata.memberNumber`):
  matched by metadata, not by e-mail;
- members 6 and 7 left the register (their customers match no member): exception `customer_without_member`;
- member 8 has a second customer (same e-mail): exception `member_with_two_customers` for both;
- the mandate of member 9's active subscription was revoked: exception `subscription_on_revoked_mandate`;
- one active subscription is `pending` and one canceled one `completed`, so every status occurs.
Each twist picks the lowest-numbered SEPA members with a subscription, so the choice is stable.
`generate("existing-account", seed)[0].adoption_truth` holds the register and the expected matching.
"""

from __future__ import annotations

from .store import MANDATE_STATUSES, SUBSCRIPTION_STATUSES, World

NAME = "existing-account"
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

