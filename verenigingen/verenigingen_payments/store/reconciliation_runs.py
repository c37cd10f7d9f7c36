"""Records of reconciliation runs and of the discrepancies they found, and the store seam for them.

The SQL implementation is `store.sql.reconciliation_store.SqlReconciliationStore`; inside a
Frappe site the `Mollie Reconciliation Run` DocType (with its child rows) implements the same
protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Protocol, runtime_checkable

RUNNING, COMPLETED, FAILED = "running", "completed", "failed"
OPEN, RESOLVED = "open", "resolved"


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    account: str
    period_from: date
    period_until: date
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    duration_ms: int | None = None
    settlements_checked: int = 0
    transactions_checked: int = 0
    discrepancy_count: int = 0
    totals: dict[str, Any] = field(default_factory=dict)
    checkpoint: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def resumed(self) -> bool:
        return bool(self.checkpoint)


@dataclass(frozen=True)
class StoredDiscrepancy:
    account: str
    identity: str
    run_id: str
    kind: str
    amount: str
    currency: str
    scope: str
    ids: tuple[str, ...]
    evidence: dict[str, Any]
    suggested_action: str
    status: str
    first_seen_at: datetime
    last_seen_at: datetime
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution_note: str | None = None


@runtime_checkable
class ReconciliationStore(Protocol):
    def start_run(self, account: str, period_from: date, period_until: date, now: datetime) -> RunRecord:
        """The run of this period: a new one, the interrupted one to resume (checkpoint kept), or a
        finished one restarted from scratch (same run id, so a rerun replaces instead of adding)."""

    def save_checkpoint(self, run_id: str, checkpoint: dict[str, Any]) -> None: ...

    def record_discrepancies(self, account: str, run_id: str, discrepancies: Iterable[Any], now: datetime) -> int:
        """Upsert by identity; a resolved discrepancy keeps its resolution. Returns rows written."""

    def finish_run(self, run_id: str, status: str, now: datetime, *, settlements_checked: int = 0,
                   transactions_checked: int = 0, totals: dict[str, Any] | None = None,
                   error: str | None = None) -> RunRecord:
        """Close the run; open discrepancies of this run not seen since it (re)started are dropped."""

    def get_run(self, run_id: str) -> RunRecord | None: ...

    def list_runs(self, account: str | None = None, limit: int = 50) -> list[RunRecord]: ...

    def list_discrepancies(self, account: str, *, run_id: str | None = None, status: str | None = None,
                           kind: str | None = None) -> list[StoredDiscrepancy]: ...

    def resolve(self, account: str, identity: str, resolved_by: str, note: str, now: datetime) -> StoredDiscrepancy: ...
