"""The reconciliation engine's framework-free pieces: inputs, checks, matching, findings.

Pure (no I/O): `workflows.reconciliation_engine` feeds them from the clients and the store.
"""

from .balance_checks import BalanceTransactionSums, check_balance_report
from .discrepancy import Discrepancy, DiscrepancyKind
from .inputs import (
    BalanceReport, BalanceTransaction, CategoryTotals, LineKind, PeriodLine, Settlement, SettlementLine,
    SettlementPeriod,
)
from .settlement_arithmetic import SettlementSums, check_settlement_arithmetic
from .settlement_check import check_settlement, finish_settlement
from .settlement_matching import SettlementMatcher
from .tolerance import Tolerance

__all__ = [
    "BalanceReport", "BalanceTransaction", "BalanceTransactionSums", "CategoryTotals", "Discrepancy",
    "DiscrepancyKind", "LineKind", "PeriodLine", "Settlement", "SettlementLine", "SettlementMatcher",
    "SettlementPeriod", "SettlementSums", "Tolerance", "check_balance_report", "check_settlement",
    "check_settlement_arithmetic", "finish_settlement",
]
