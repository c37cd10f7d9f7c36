"""The Dispute Case record, its statuses and allowed transitions, and how priority and deadline
are derived from the amount, the reason and the member's earlier chargebacks.

Statuses are the lowercase values the deployment guide's baseline SQL counts (`status = 'open'`).
A case is the association's own follow-up: Mollie has no dispute API, a chargeback is final there
unless Mollie reverses it (`reversedAt`), which closes the case as `reversed`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..core.calendar import AMSTERDAM
from ..core.models.money import Amount
from .reason_codes import explain_reason


OPEN = "open"
INVESTIGATING = "investigating"
AWAITING_MEMBER = "awaiting-member"
RECOVERED = "recovered"
WRITTEN_OFF = "written-off"
REVERSED = "reversed"
STATUSES = (OPEN, INVESTIGATING, AWAITING_MEMBER, RECOVERED, WRITTEN_OFF, REVERSED)
ACTIVE_STATUSES = (OPEN, INVESTIGATING, AWAITING_MEMBER)
CLOSED_STATUSES = (RECOVERED, WRITTEN_OFF, REVERSED)

#: A written-off case may still be paid later or reversed by Mollie; recovered and reversed are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({INVESTIGATING, AWAITING_MEMBER, RECOVERED, WRITTEN_OFF, REVERSED}),
    INVESTIGATING: frozenset({AWAITING_MEMBER, RECOVERED, WRITTEN_OFF, REVERSED}),
    AWAITING_MEMBER: frozenset({INVESTIGATING, RECOVERED, WRITTEN_OFF, REVERSED}),
    WRITTEN_OFF: frozenset({RECOVERED, REVERSED}),
    RECOVERED: frozenset(),
    REVERSED: frozenset(),
}
#: Closing a case by hand needs a resolution text.
NEEDS_RESOLUTION = frozenset({WRITTEN_OFF})

URGENT, HIGH, MEDIUM, LOW = "urgent", "high", "medium", "low"
PRIORITIES = (URGENT, HIGH, MEDIUM, LOW)
DAYS_TO_DEADLINE = {URGENT: 3, HIGH: 5, MEDIUM: 10, LOW: 14}


class DisputeError(Exception):
    """Base of the dispute module's own errors (messages name the case and field)."""


class InvalidTransition(DisputeError):
    def __init__(self, case_id: str, current: str, target: str) -> None:
        allowed = ", ".join(sorted(TRANSITIONS.get(current, ()))) or "none (final)"
        super().__init__(f"dispute case {case_id}: cannot go from {current!r} to {target!r}; allowed: {allowed}")
        self.current, self.target = current, target


class DisputeNotFound(DisputeError):
    pass


class DisputePermissionError(DisputeError):
    pass


class ConcurrentUpdate(DisputeError):
    """Someone else changed the case since it was read; read it again and retry."""


@dataclass(frozen=True)
class DisputeCase:
    case_id: str
    account: str
    chargeback_id: str
    payment_id: str
    amount: Amount
    reason_code: str
    reason_description: str
    chargeback_created_at: datetime
    opened_at: datetime
    updated_at: datetime
    status: str = OPEN
    priority: str = MEDIUM
    priority_score: int = 0
    deadline: date | None = None
    settlement_amount: Amount | None = None
    settlement_id: str | None = None
    method: str | None = None
    customer_id: str | None = None
    member_reference: str | None = None
    repeat_offences: int = 0
    reversed_at: datetime | None = None
    assignee: str | None = None
    resolution: str | None = None
    note: str | None = None
    resolved_at: datetime | None = None
    recovery_payment_id: str | None = None
    recovery_status: str | None = None
    recovery_attempt: int = 0
    version: int = 1
    history: tuple[tuple[str, str, str, str], ...] = field(default_factory=tuple)
    """(at ISO, actor, from status, to status) for every status change."""

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def transitioned(self, target: str, actor: str, now: datetime, *, resolution: str | None = None) -> DisputeCase:
        if target not in STATUSES:
            raise DisputeError(f"dispute case {self.case_id}: unknown status {target!r}")
        if target not in TRANSITIONS[self.status]:
            raise InvalidTransition(self.case_id, self.status, target)
        resolution = resolution or self.resolution
        if target in NEEDS_RESOLUTION and not (resolution and resolution.strip()):
            raise DisputeError(f"dispute case {self.case_id}: resolution is required to mark it {target}")
        closed = target in CLOSED_STATUSES
        entry = (now.isoformat(), actor, self.status, target)
        return replace(self, status=target, resolution=resolution, updated_at=now,
                       resolved_at=now if closed else None, history=self.history + (entry,))


def case_id_for(account: str, chargeback_id: str) -> str:
    """Deterministic, so every path that discovers a chargeback names the same case."""
    digest = hashlib.sha256(f"{account}\x1f{chargeback_id}".encode()).hexdigest()[:12]
    return f"DC-{digest}"


def _amount_points(amount: Amount) -> int:
    value = abs(amount.value)
    for limit, points in ((Decimal(100), 3), (Decimal(50), 2), (Decimal(20), 1)):
        if value >= limit:
            return points
    return 0


def score_priority(amount: Amount, reason_code: str | None, repeat_offences: int) -> tuple[str, int]:
    """(priority, score): amount points (0-3) + the reason's weight (0-4) + 2 per earlier chargeback (max 6)."""
    score = _amount_points(amount) + explain_reason(reason_code).weight + min(6, 2 * max(0, repeat_offences))
    if score >= 7:
        return URGENT, score
    if score >= 5:
        return HIGH, score
    if score >= 3:
        return MEDIUM, score
    return LOW, score


def deadline_for(priority: str, opened_at: datetime) -> date:
    """The follow-up deadline: an Amsterdam calendar date a priority-dependent number of days out."""
    return opened_at.astimezone(AMSTERDAM).date() + timedelta(days=DAYS_TO_DEADLINE[priority])
