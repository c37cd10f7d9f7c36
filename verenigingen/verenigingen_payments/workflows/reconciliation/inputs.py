"""The engine's typed inputs: what one settlement, one balance period and the local ledger say.

These are plain values, independent of the HTTP clients' models, so the engine can be fed from
the clients, from the store, from fixtures or from generated data alike (`mollie_inputs` adapts
the clients' models). Amounts are `Amount`s with Mollie's signs: refunds and chargebacks negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from ...core.models.money import Amount


class LineKind(str, Enum):
    PAYMENT = "payment"
    REFUND = "refund"
    CHARGEBACK = "chargeback"
    CAPTURE = "capture"


@dataclass(frozen=True, slots=True)
class SettlementLine:
    """One item of a settlement's payments/refunds/chargebacks/captures list.

    `settlement_amount` is what moves in the settlement's currency (negative for refunds and
    chargebacks); `amount` is the item's own amount in its own currency (positive, as Mollie
    sends it). `payment_id` is the payment the item belongs to (the id itself for payments).
    """

    kind: LineKind
    id: str
    payment_id: str
    settlement_amount: Amount | None
    amount: Amount | None = None
    status: str | None = None
    created_at: datetime | None = None
    settlement_id: str | None = None


@dataclass(frozen=True, slots=True)
class PeriodLine:
    """A revenue or cost subtotal of one month of a settlement."""

    description: str
    method: str | None
    count: int
    amount_net: Amount
    amount_vat: Amount | None
    amount_gross: Amount


@dataclass(frozen=True, slots=True)
class SettlementPeriod:
    year: int
    month: int
    revenue: tuple[PeriodLine, ...] = ()
    costs: tuple[PeriodLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Settlement:
    id: str
    status: str
    amount: Amount
    balance_id: str | None = None
    reference: str | None = None
    created_at: datetime | None = None
    settled_at: datetime | None = None
    periods: tuple[SettlementPeriod, ...] = ()

    @property
    def currency(self) -> str:
        return self.amount.currency


@dataclass(frozen=True, slots=True)
class BalanceTransaction:
    """One movement on a Mollie balance. `reference_id` is the id its context names, if any."""

    id: str
    type: str
    result_amount: Amount
    initial_amount: Amount
    deductions: Amount | None
    created_at: datetime
    payment_id: str | None = None
    refund_id: str | None = None
    chargeback_id: str | None = None
    settlement_id: str | None = None
    capture_id: str | None = None
    invoice_id: str | None = None

    @property
    def reference_id(self) -> str | None:
        return (
            self.refund_id or self.chargeback_id or self.capture_id or self.settlement_id
            or self.invoice_id or self.payment_id
        )


@dataclass(frozen=True, slots=True)
class CategoryTotals:
    """One transaction category of a balance report (transaction-categories grouping)."""

    pending: Amount
    moved_to_available: Amount
    immediately_available: Amount
    pending_count: int | None = None
    immediately_available_count: int | None = None

    @property
    def movement(self) -> Amount:
        """What this category added to the balance as a whole (pending + immediately available)."""
        return self.pending + self.immediately_available


@dataclass(frozen=True, slots=True)
class BalanceReport:
    """A balance report for [from, until) in Europe/Amsterdam days, transaction-categories grouping."""

    balance_id: str
    currency: str
    from_date: str
    until_date: str
    open_pending: Amount
    open_available: Amount
    close_pending: Amount
    close_available: Amount
    categories: dict[str, CategoryTotals] = field(default_factory=dict)
