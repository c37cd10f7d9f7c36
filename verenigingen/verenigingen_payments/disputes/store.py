"""The seam dispute cases are kept behind: `store.sql.dispute_store.SqlDisputeStore` outside a
site, the `Dispute Case` / `Dispute Evidence` DocTypes inside one."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from .evidence import DisputeEvidence
from .model import DisputeCase


@runtime_checkable
class DisputeStore(Protocol):
    def create_if_absent(self, case: DisputeCase) -> tuple[DisputeCase, bool]:
        """Insert unless a case for (account, chargeback_id) exists; (the stored case, created?).
        Concurrency-safe: the unique key decides, the loser reads the winner's row."""

    def get(self, case_id: str) -> DisputeCase | None: ...

    def find_by_chargeback(self, account: str, chargeback_id: str) -> DisputeCase | None: ...

    def save(self, case: DisputeCase) -> DisputeCase:
        """Write `case` if the stored version is still `case.version`; returns it with version + 1.
        Raises ConcurrentUpdate otherwise."""

    def list_cases(self, account: str | None = None, *, statuses: Iterable[str] | None = None) -> list[DisputeCase]: ...

    def count_for_member(self, account: str, customer_id: str, *, excluding_chargeback: str | None = None) -> int:
        """How many cases this customer already has (repeat offences)."""

    def add_evidence(self, evidence: DisputeEvidence) -> DisputeEvidence: ...

    def list_evidence(self, case_id: str) -> list[DisputeEvidence]: ...
