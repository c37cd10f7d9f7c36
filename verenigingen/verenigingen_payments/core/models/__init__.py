"""Typed values shared by the clients and the workflows."""

from .accounts import Invoice, Organization
from .balances import Balance, BalanceReport, BalanceTransaction, Settlement
from .base import MollieObject
from .customers import Customer, Mandate, Subscription
from .enums import (
    BalanceReportGrouping,
    BalanceStatus,
    BalanceTransactionType,
    CaptureStatus,
    InvoiceStatus,
    MandateMethod,
    MandateStatus,
    Mode,
    OpenEnum,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
    SequenceType,
    SettlementStatus,
    SubscriptionStatus,
)
from .fields import parse_date, parse_datetime
from .money import Amount, currency_decimals
from .payments import Capture, Chargeback, Payment, Refund

__all__ = [
    "Amount",
    "Balance",
    "BalanceReport",
    "BalanceReportGrouping",
    "BalanceStatus",
    "BalanceTransaction",
    "BalanceTransactionType",
    "Capture",
    "CaptureStatus",
    "Chargeback",
    "Customer",
    "Invoice",
    "InvoiceStatus",
    "Mandate",
    "MandateMethod",
    "MandateStatus",
    "Mode",
    "MollieObject",
    "OpenEnum",
    "Organization",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "Refund",
    "RefundStatus",
    "SequenceType",
    "Settlement",
    "SettlementStatus",
    "Subscription",
    "SubscriptionStatus",
    "currency_decimals",
    "parse_date",
    "parse_datetime",
]
