"""One settlement, start to finish: match its lines in batches, then check its arithmetic.

`check_settlement` is the pure whole (used by tests and by callers that hold the data);
the workflow drives `SettlementMatcher` page by page itself to keep memory flat.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from ...store.ledger import LedgerPayment
from .discrepancy import Discrepancy, DiscrepancyKind as K, make_discrepancy
from .inputs import Settlement, SettlementLine
from .settlement_arithmetic import check_settlement_arithmetic, unpaid_optional_terms
from .settlement_matching import SettlementMatcher
from .tolerance import Tolerance
from .transaction_types import TRANSFER_RETURNS


def finish_settlement(matcher: SettlementMatcher, claimed: Iterable[LedgerPayment],
                      tolerance: Tolerance) -> list[Discrepancy]:
    """The matcher's findings, a payout returned by the bank that this settlement (the one of the
    moment it came back) does not pay again, and the arithmetic of what is left."""
    matcher.finish(claimed)
    settlement = matcher.settlement
    unpaid = unpaid_optional_terms(settlement, matcher.sums, tolerance, matcher.explained)
    explained, explained_by = matcher.explained, list(matcher.explained_by)
    findings = list(matcher.findings)
    for line in unpaid:
        explained = explained - line.settlement_amount
        explained_by.append(line.id)
        if line.kind.value in TRANSFER_RETURNS:
            findings.append(make_discrepancy(
                K.RETURNED_PAYOUT_NEVER_REPAID, line.settlement_amount, (line.settlement_id or line.id, line.id),
                line.settlement_id or line.id, returned_payout_of=line.settlement_id, transaction=line.id,
                transaction_type=line.kind.value, expected_repaid_by=settlement.id,
                returned_at=line.created_at.isoformat() if line.created_at else None,
            ))
    arithmetic = check_settlement_arithmetic(settlement, matcher.sums, tolerance, explained, tuple(explained_by))
    return findings + ([arithmetic] if arithmetic else [])


def check_settlement(
    settlement: Settlement,
    lines: Iterable[SettlementLine],
    ledger: Mapping[str, LedgerPayment],
    tolerance: Tolerance = Tolerance(),
    on_settled: Callable[[list[str]], None] | None = None,
) -> list[Discrepancy]:
    """All findings for one settlement against an in-memory ledger (payment id → record)."""
    matcher = SettlementMatcher(settlement)
    marked = matcher.match(lines, ledger)
    if on_settled:
        on_settled(marked)
    claimed = (p for p in ledger.values() if p.settlement_id == settlement.id)
    return finish_settlement(matcher, claimed, tolerance)
