"""Mollie's statuses and types as open enums: an unknown value is kept and readable, never a crash.

`PaymentStatus("paid") is PaymentStatus.PAID`; `PaymentStatus("on-hold")` (not in this list) is a
`PaymentStatus` whose `.value` is "on-hold" and whose `.is_known` is False. Members compare equal
to their strings.
"""

from __future__ import annotations

from enum import Enum


class OpenEnum(str, Enum):
    @classmethod
    def _missing_(cls, value: object):
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value.upper().replace("-", "_")
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        return self._value_ in type(self)._value2member_map_

    def __str__(self) -> str:
        return self._value_


class Mode(OpenEnum):
    LIVE = "live"
    TEST = "test"


class PaymentStatus(OpenEnum):
    OPEN = "open"
    PENDING = "pending"
    AUTHORIZED = "authorized"
    PAID = "paid"
    CANCELED = "canceled"
    EXPIRED = "expired"
    FAILED = "failed"


class SequenceType(OpenEnum):
    ONEOFF = "oneoff"
    FIRST = "first"
    RECURRING = "recurring"


class RefundStatus(OpenEnum):
    QUEUED = "queued"
    PENDING = "pending"
    PROCESSING = "processing"
    REFUNDED = "refunded"
    FAILED = "failed"
    CANCELED = "canceled"


class CaptureStatus(OpenEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class BalanceStatus(OpenEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class BalanceTransactionType(OpenEnum):
    APPLICATION_FEE = "application-fee"
    BALANCE_CORRECTION = "balance-correction"
    BALANCE_RESERVE = "balance-reserve"
    BALANCE_RESERVE_RETURN = "balance-reserve-return"
    BALANCE_TOPUP = "balance-topup"
    CAPTURE = "capture"
    CHARGEBACK = "chargeback"
    CHARGEBACK_REVERSAL = "chargeback-reversal"
    FAILED_PAYMENT = "failed-payment"
    FEE_PREPAYMENT = "fee-prepayment"
    INVOICE_COMPENSATION = "invoice-compensation"
    OUTGOING_TRANSFER = "outgoing-transfer"
    PAYMENT = "payment"
    REFUND = "refund"
    RETURNED_REFUND = "returned-refund"
    RETURNED_TRANSFER = "returned-transfer"
    SPLIT_PAYMENT = "split-payment"


class BalanceReportGrouping(OpenEnum):
    STATUS_BALANCES = "status-balances"
    TRANSACTION_CATEGORIES = "transaction-categories"


class SettlementStatus(OpenEnum):
    OPEN = "open"
    PENDING = "pending"
    PROCESSING_AT_BANK = "processing-at-bank"
    PAIDOUT = "paidout"
    FAILED = "failed"


class InvoiceStatus(OpenEnum):
    OPEN = "open"
    PAID = "paid"
    OVERDUE = "overdue"


class MandateStatus(OpenEnum):
    VALID = "valid"
    PENDING = "pending"
    INVALID = "invalid"


class MandateMethod(OpenEnum):
    CREDITCARD = "creditcard"
    DIRECTDEBIT = "directdebit"
    PAYPAL = "paypal"


class SubscriptionStatus(OpenEnum):
    PENDING = "pending"
    ACTIVE = "active"
    CANCELED = "canceled"
    SUSPENDED = "suspended"
    COMPLETED = "completed"


class PaymentMethod(OpenEnum):
    BANCONTACT = "bancontact"
    BANKTRANSFER = "banktransfer"
    CREDITCARD = "creditcard"
    DIRECTDEBIT = "directdebit"
    IDEAL = "ideal"
    PAYPAL = "paypal"
