"""Balances, their transactions and reports, and settlements (a balance's pay-outs)."""

from __future__ import annotations

from .base import MollieObject
from .enums import BalanceReportGrouping, BalanceStatus, BalanceTransactionType, Mode, SettlementStatus
from .fields import Choice, Json, Money, Str, Timestamp


class Balance(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode, required=True)
    currency = Str("currency", required=True)
    description = Str("description", required=True)
    status = Choice("status", BalanceStatus, required=True)
    transfer_frequency = Str("transferFrequency")
    transfer_threshold = Money("transferThreshold", nullable=True)
    transfer_reference = Str("transferReference", nullable=True)
    transfer_destination = Json("transferDestination", nullable=True)
    available_amount = Money("availableAmount", required=True)
    pending_amount = Money("pendingAmount", required=True)
    created_at = Timestamp("createdAt", required=True)


class BalanceTransaction(MollieObject):
    __slots__ = ()
    type = Choice("type", BalanceTransactionType, required=True)
    result_amount = Money("resultAmount", required=True)
    initial_amount = Money("initialAmount", required=True)
    deductions = Money("deductions", nullable=True)
    deduction_details = Json("deductionDetails", nullable=True)
    context = Json("context", nullable=True)
    created_at = Timestamp("createdAt", required=True)


class BalanceReport(MollieObject):
    """Totals stay as Mollie's nested JSON (`totals`); `balance_id`, period and grouping are typed."""

    __slots__ = ()
    id = Str("id")  # a report has no id of its own
    balance_id = Str("balanceId", required=True)
    time_zone = Str("timeZone", required=True)
    from_ = Str("from", required=True)
    until = Str("until", required=True)
    grouping = Choice("grouping", BalanceReportGrouping, required=True)
    totals = Json("totals", required=True)


class Settlement(MollieObject):
    __slots__ = ()
    reference = Str("reference", nullable=True)
    status = Choice("status", SettlementStatus, required=True)
    amount = Money("amount", required=True)
    balance_id = Str("balanceId", required=True)
    invoice_id = Str("invoiceId", nullable=True)
    periods = Json("periods", nullable=True)
    created_at = Timestamp("createdAt")
    settled_at = Timestamp("settledAt", nullable=True)
