"""One settlement, start to finish: match its lines in batches, then check its arithmetic.

`check_settlement` is the pure whole (used by tests and by callers that hold the data);
the workflow drives `SettlementMatcher` page by page itself to keep memory flat.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping

from ...store.ledger import LedgerPayment
from .discrepancy import Discrepancy
from .inputs import Settlement, SettlementLine
from .settlement_arithmetic import check_settlement_arithmetic
from .settlement_matching import SettlementMatcher
from .tolerance import Tolerance


def finish_settlement(matcher: SettlementMatcher, claimed: Iterable[LedgerPayment],
                      tolerance: Tolerance) -> list[Discrepancy]:
    matcher.finish(claimed)
    arithmetic = check_settlement_arithmetic(
        matcher.settlement, matcher.sums, tolerance, matcher.explained, tuple(matcher.explained_by))
    return matcher.findings + ([arithmetic] if arithmetic else [])


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
