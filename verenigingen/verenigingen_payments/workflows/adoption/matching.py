"""Which member a Mollie customer is: the documented matching rule.

1. E-mail: the customer's e-mail, trimmed and lower-cased, equals one member's e-mail.
2. Otherwise Mollie metadata: `memberNumber` (or `member_number`, `member`) equals a member's number or
   reference.
3. A member claimed by two or more customers gets none of them: each is an exception
   `member_with_two_customers` (merge or delete the duplicate customer at Mollie, then adopt again).
Without a member register (a site whose members live elsewhere), the register is Mollie's own metadata:
each customer's member number is its member reference (`members_from_metadata`), so rules 2–4 apply.
4. A customer matched by neither rule is an exception `customer_without_member` (add the member, or
   put their member number in the customer's metadata at Mollie, then adopt again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

METADATA_KEYS = ("memberNumber", "member_number", "member")
WHAT_TO_DO = {
    "customer_without_member": "add the member to the register, or set metadata.memberNumber on the customer "
                               "at Mollie, then run adopt again",
    "member_with_two_customers": "merge or delete the duplicate customer at Mollie, then run adopt again",
    "subscription_on_revoked_mandate": "ask the member for a new mandate and move the subscription to it at "
                                       "Mollie, or cancel it; then run adopt again",
}


@dataclass(frozen=True)
class Member:
    reference: str
    email: str | None = None
    number: str | None = None


@dataclass(frozen=True)
class AdoptionException:
    kind: str
    mollie_id: str  # the customer or subscription
    detail: str

    @property
    def what_to_do(self) -> str:
        return WHAT_TO_DO[self.kind]


@dataclass
class Matching:
    member_of: dict[str, str] = field(default_factory=dict)  # customer id -> member reference
    matched_by: dict[str, str] = field(default_factory=dict)  # customer id -> "email" | "metadata"
    exceptions: list[AdoptionException] = field(default_factory=list)


def _email(value: str | None) -> str | None:
    return value.strip().lower() if value and value.strip() else None


def _metadata_number(metadata) -> str | None:
    if not isinstance(metadata, Mapping):
        return None
    for key in METADATA_KEYS:
        if metadata.get(key) not in (None, ""):
            return str(metadata[key]).strip()
    return None


def match_customers(customers: Iterable, members: Iterable[Member]) -> Matching:
    """`customers`: objects with `id`, `email`, `metadata` (Mollie's Customer)."""
    by_email: dict[str, list[Member]] = {}
    by_number: dict[str, Member] = {}
    for member in members:
        if _email(member.email):
            by_email.setdefault(_email(member.email), []).append(member)
        for key in (member.number, member.reference):
            if key:
                by_number[str(key)] = member
    claims: dict[str, list[tuple[str, str]]] = {}
    result = Matching()
    for customer in customers:
        found = by_email.get(_email(customer.email) or "", [])
        how = "email"
        if len(found) != 1:
            number = _metadata_number(customer.metadata)
            found, how = ([by_number[number]] if number in by_number else []), "metadata"
        if not found:
            result.exceptions.append(AdoptionException(
                "customer_without_member", customer.id, f"no member has e-mail {customer.email or '(none)'} "
                                                        "or the customer's metadata member number"))
            continue
        claims.setdefault(found[0].reference, []).append((customer.id, how))
    for reference, claimed in claims.items():
        if len(claimed) == 1:
            customer_id, how = claimed[0]
            result.member_of[customer_id], result.matched_by[customer_id] = reference, how
            continue
        ids = ", ".join(c for c, _ in claimed)
        result.exceptions += [AdoptionException("member_with_two_customers", customer_id,
                                                f"member {reference} is customers {ids}")
                              for customer_id, _ in claimed]
    return result


def members_from_metadata(customers: Iterable) -> list[Member]:
    """A register read from the customers' metadata member numbers (no e-mail: rule 2 decides)."""
    numbers = {_metadata_number(c.metadata) for c in customers}
    return [Member(number, None, number) for number in sorted(n for n in numbers if n)]
