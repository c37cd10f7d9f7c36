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
    """A settlement's terms. The first four are the settlement's own lists; the others are the
    balance transaction types a settlement pays out without listing them (values are the types)."""

    PAYMENT = "payment"
    REFUND = "refund"
    CHARGEBACK = "chargeback"
    CAPTURE = "capture"
    CHARGEBACK_REVERSAL = "chargeback-reversal"
    CHARGEBACK_COMPENSATION = "chargeback-compensation"
    REVERSED_CHARGEBACK_COMPENSATION = "reversed-chargeback-compensation"
    REFUND_COMPENSATION = "refund-compensation"
    RETURNED_REFUND = "returned-refund"
    RETURNED_REFUND_COMPENSATION = "returned-refund-compensation"
    FAILED_PAYMENT = "failed-payment"
    UNAUTHORIZED_DIRECT_DEBIT = "unauthorized-direct-debit"
    INVOICE_COMPENSATION = "invoice-compensation"
    INVOICE_ROUNDING_COMPENSATION = "invoice-rounding-compensation"
    BALANCE_CORRECTION = "balance-correction"
    MOVEMENT = "movement"
    RETURNED_TRANSFER = "returned-transfer"
    CANCELED_TRANSFER = "canceled-transfer"
    CANCELED_OUTGOING_TRANSFER = "canceled-outgoing-transfer"

    @property
    def listed(self) -> bool:
        """One of the settlement's own lists (payments, refunds, chargebacks, captures)."""
        return self in LISTED


LISTED = frozenset({LineKind.PAYMENT, LineKind.REFUND, LineKind.CHARGEBACK, LineKind.CAPTURE})


@dataclass(frozen=True, slots=True)
class SettlementLine:
    """One item of a settlement's payments/refunds/chargebacks/captures list, or one term it pays
    out without listing it (a chargeback reversed in its window, a returned refund …).

    `settlement_amount` is what moves in the settlement's currency, with Mollie's sign (negative
    for refunds, chargebacks and everything else that leaves the balance); `amount` is the item's own amount in its own currency (positive, as Mollie
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
    transfer_id: str | None = None

    @property
    def reference_id(self) -> str | None:
        """What the movement is about: a returned payout and its re-payment name the same
        settlement but different transfers, so the transfer comes before the settlement."""
        return (
            self.refund_id or self.chargeback_id or self.capture_id or self.transfer_id or self.settlement_id
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
