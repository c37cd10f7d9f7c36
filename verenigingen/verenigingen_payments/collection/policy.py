"""Which follow-up a failed SEPA collection gets, by its reason code.

A failure on a dues payment (a failed direct debit, a reversal or a chargeback) is classified by its
SEPA reason code into a `ReasonPolicy`: how many recurring retries on the still-valid mandate, then
what — contact the member (a reminder with a payment link) or stop (the mandate is no longer usable;
the reminder asks for a new mandate through a first payment by iDEAL). The defaults follow what each
code means; an account overrides any code (`CollectionPolicy.from_settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..core.errors import InvalidInput

RETRY = "retry"
CONTACT = "contact"
STOP = "stop"
DECISIONS = (RETRY, CONTACT, STOP)
MAX_RETRIES = 3  # SEPA allows re-presenting a returned debit; more than three is harassment, not collection


@dataclass(frozen=True)
class ReasonPolicy:
    """`retries` recurring retries first; when they are used up (or none are allowed) `then`."""

    retries: int
    then: str  # CONTACT or STOP

    def __post_init__(self) -> None:
        if not 0 <= self.retries <= MAX_RETRIES:
            raise InvalidInput(f"retries must be 0–{MAX_RETRIES}, not {self.retries}", field="retries")
        if self.then not in (CONTACT, STOP):
            raise InvalidInput(f"then must be {CONTACT!r} or {STOP!r}, not {self.then!r}", field="then")

    @property
    def new_mandate(self) -> bool:
        """A stopped collection's mandate cannot be used again: the member signs a new one."""
        return self.then == STOP


#: The defaults. AM04: a second attempt on a payday usually succeeds. MD06/MD01: the member disputes
#: the debit or the bank has no mandate, so debiting again is wrong; talk to the member. AC04/AC06/MD07:
#: the account is closed or blocked or its holder died; the mandate is dead. Anything else: one retry.
DEFAULT_POLICIES: Mapping[str, ReasonPolicy] = {
    "AM04": ReasonPolicy(2, CONTACT),
    "MD06": ReasonPolicy(0, CONTACT),
    "MD01": ReasonPolicy(0, CONTACT),
    "AC04": ReasonPolicy(0, STOP),
    "AC06": ReasonPolicy(0, STOP),
    "MD07": ReasonPolicy(0, STOP),
}
OTHER_CODES = ReasonPolicy(1, CONTACT)
OTHER = "*"


@dataclass(frozen=True)
class Decision:
    action: str  # RETRY, CONTACT or STOP
    reason_code: str
    attempt: int  # the retry this decision schedules (1, 2 …); 0 unless RETRY
    new_mandate: bool = False


@dataclass(frozen=True)
class CollectionPolicy:
    """An account's policies: the defaults with its overrides; `paydays` are the days of the month a
    retry is placed on (25th: when salaries arrive; 1st: benefits and pensions)."""

    overrides: Mapping[str, ReasonPolicy] = field(default_factory=dict)
    paydays: tuple[int, ...] = (25, 1)

    def __post_init__(self) -> None:
        if not self.paydays or any(not 1 <= d <= 28 for d in self.paydays):
            raise InvalidInput("paydays must be days 1–28 of the month", field="paydays")

    @classmethod
    def from_settings(cls, settings: Mapping[str, object] | None) -> CollectionPolicy:
        """`{"AM04": {"retries": 1}, "*": {"retries": 0, "then": "contact"}, "paydays": [25]}`: any
        code's retries and/or follow-up; "*" is every code without its own policy."""
        settings = dict(settings or {})
        paydays = settings.pop("paydays", (25, 1))
        if not isinstance(paydays, (list, tuple)) or not all(isinstance(d, int) for d in paydays):
            raise InvalidInput("paydays must be a list of days of the month", field="paydays")
        overrides = {}
        for code, spec in settings.items():
            if not isinstance(spec, Mapping) or not set(spec) <= {"retries", "then"}:
                raise InvalidInput(f"policy for {code} must give retries and/or then", field=str(code))
            base = DEFAULT_POLICIES.get(code.upper(), OTHER_CODES) if code != OTHER else OTHER_CODES
            retries = spec.get("retries", base.retries)
            if not isinstance(retries, int) or isinstance(retries, bool):
                raise InvalidInput(f"retries for {code} must be a whole number", field=f"{code}.retries")
            overrides[code.upper()] = replace(base, retries=retries, then=spec.get("then", base.then))
        return cls(overrides, tuple(paydays))

    def policy_for(self, code: str | None) -> ReasonPolicy:
        key = (code or "").strip().upper()
        if key in self.overrides:
            return self.overrides[key]
        if key in DEFAULT_POLICIES:
            return DEFAULT_POLICIES[key]
        return self.overrides.get(OTHER, OTHER_CODES)

    def decide(self, code: str | None, retries_done: int) -> Decision:
        """What follows a failure after `retries_done` retries of this period have been made."""
        policy = self.policy_for(code)
        key = (code or "").strip().upper()
        if retries_done < policy.retries:
            return Decision(RETRY, key, retries_done + 1)
        return Decision(policy.then, key, 0, policy.new_mandate)
