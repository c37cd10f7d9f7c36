"""Dispute Metrics: counts and amounts by reason and status, recovery rate, average days to
resolve and repeat members, computed from the cases (Decimal-exact, per currency)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from .model import ACTIVE_STATUSES, CLOSED_STATUSES, RECOVERED, REVERSED, STATUSES, DisputeCase

_TWO = Decimal("0.01")


@dataclass(frozen=True)
class DisputeMetrics:
    total: int
    open: int
    by_status: dict[str, dict]
    by_reason: dict[str, dict]
    recovery_rate: str | None
    recovered_amount: dict[str, str]
    average_days_to_resolve: str | None
    repeat_members: dict[str, int]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _bucket(cases: list[DisputeCase]) -> dict:
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for c in cases:
        amounts[c.amount.currency] += c.amount.value
    return {"count": len(cases), "amount": {cur: f"{v:f}" for cur, v in sorted(amounts.items())}}


def compute_dispute_metrics(cases: Iterable[DisputeCase]) -> DisputeMetrics:
    """Recovery rate = recovered / (recovered + written-off) cases, reversed ones excluded (Mollie
    returned the money; no follow-up was needed). Days to resolve = opened → resolved."""
    cases = list(cases)
    by_status = {s: _bucket([c for c in cases if c.status == s]) for s in STATUSES}
    reasons = sorted({c.reason_code or "unknown" for c in cases})
    by_reason = {r: _bucket([c for c in cases if (c.reason_code or "unknown") == r]) for r in reasons}
    settled = [c for c in cases if c.status in CLOSED_STATUSES and c.status != REVERSED]
    recovered = [c for c in settled if c.status == RECOVERED]
    rate = (Decimal(len(recovered)) / Decimal(len(settled))).quantize(Decimal("0.0001"), ROUND_HALF_EVEN) if settled else None
    recovered_amount: dict[str, Decimal] = defaultdict(Decimal)
    for c in recovered:
        recovered_amount[c.amount.currency] += abs(c.amount.value)
    resolved = [c for c in cases if c.resolved_at is not None]
    average = None
    if resolved:
        seconds = sum(Decimal(str((c.resolved_at - c.opened_at).total_seconds())) for c in resolved)
        average = f"{(seconds / Decimal(86400) / len(resolved)).quantize(_TWO, ROUND_HALF_EVEN):f}"
    members = Counter(c.customer_id for c in cases if c.customer_id)
    return DisputeMetrics(
        total=len(cases), open=sum(1 for c in cases if c.status in ACTIVE_STATUSES), by_status=by_status,
        by_reason=by_reason, recovery_rate=None if rate is None else f"{rate:f}",
        recovered_amount={k: f"{v:f}" for k, v in sorted(recovered_amount.items())},
        average_days_to_resolve=average,
        repeat_members={m: n for m, n in sorted(members.items()) if n > 1},
    )
