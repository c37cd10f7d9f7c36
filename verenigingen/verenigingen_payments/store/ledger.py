"""The local payment ledger: one row per Mollie payment this association has.

`LedgerPayment` is the record; `PaymentLedger` is the seam the reconciliation engine and the
payment sync talk to. The SQL implementation is `store.sql_ledger.SqlPaymentLedger`; inside a
Frappe site the `Mollie Payment` DocType implements the same protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, Iterator, Protocol, runtime_checkable

from ..core.models.money import Amount


@dataclass(frozen=True, slots=True)
class LedgerPayment:
    """What the association knows about one Mollie payment.

    `amount_refunded`, `amount_charged_back` and `amount_captured` are Mollie's current totals
    (None where Mollie leaves them out: nothing refunded, nothing charged back or every chargeback
    reversed, nothing captured). `settlement_id` is the settlement Mollie's payment object names; `settled_in` is the
    settlement whose payment list the reconciliation actually found it in (None until then).
    """

    id: str
    amount: Amount
    status: str
    created_at: datetime
    method: str | None = None
    sequence_type: str | None = None
    customer_id: str | None = None
    member_reference: str | None = None
    subscription_id: str | None = None
    mandate_id: str | None = None
    paid_at: datetime | None = None
    amount_refunded: Amount | None = None
    amount_charged_back: Amount | None = None
    amount_captured: Amount | None = None
    settlement_id: str | None = None
    settlement_amount: Amount | None = None
    fees: Amount | None = None
    settled_in: str | None = None

    def with_settled_in(self, settlement_id: str) -> LedgerPayment:
        return replace(self, settled_in=settlement_id)


# Payments whose balance movement may still wait for a settlement (see `PaymentLedger.placement`).
UNPLACED_STATUSES = ("paid", "failed")


@dataclass(frozen=True, slots=True)
class SyncCursor:
    """Where a resumable payment backfill stands: the next page's `from` id, or done."""

    next_from: str | None = None
    since: datetime | None = None
    started_at: datetime | None = None
    completed_at: datetime | None = None
    synced: int = 0


@runtime_checkable
class PaymentLedger(Protocol):
    def upsert_payments(self, account: str, payments: Iterable[LedgerPayment]) -> int:
        """Insert or update by id (keeping `settled_in`); returns how many rows were written."""

    def get_payments(self, account: str, ids: Iterable[str]) -> dict[str, LedgerPayment]: ...

    def mark_settled_in(self, account: str, settlement_id: str, payment_ids: Iterable[str]) -> None: ...

    def iter_claimed_by_settlement(self, account: str, settlement_id: str, *, unplaced_only: bool = False
                                   ) -> Iterator[LedgerPayment]:
        """Payments whose Mollie object names `settlement_id`, streamed; with `unplaced_only` only
        those the reconciliation has not found in that settlement (`settled_in` is not it)."""

    def placement(self, account: str, ids: Iterable[str]) -> dict[str, bool]:
        """Of `ids` the ledger has: False for a paid (or failed: its funds were credited first, held)
        payment no settlement places yet (neither Mollie's `settlementId` nor a reconciled
        settlement's list), True for every other; ids the ledger lacks are left out. Reads three
        columns only."""

    def iter_unsettled_paid(self, account: str, paid_from: datetime | None, paid_before: datetime
                            ) -> Iterator[LedgerPayment]:
        """Paid payments with paid_at in [paid_from, paid_before) that neither Mollie's payment
        object nor any reconciled settlement places in a settlement, streamed."""

    def count(self, account: str) -> int: ...

    def get_sync_cursor(self, account: str) -> SyncCursor: ...

    def save_sync_cursor(self, account: str, cursor: SyncCursor) -> None: ...
