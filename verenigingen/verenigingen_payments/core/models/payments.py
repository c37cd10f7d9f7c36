"""Payments and what happens to them afterwards: refunds, chargebacks, captures."""

from __future__ import annotations

from .base import MollieObject
from .enums import CaptureStatus, Mode, PaymentMethod, PaymentStatus, RefundStatus, SequenceType
from .fields import Bool, Choice, Json, Money, Str, Timestamp


class Payment(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode, required=True)
    status = Choice("status", PaymentStatus, required=True)
    description = Str("description", required=True)
    amount = Money("amount", required=True)
    amount_refunded = Money("amountRefunded", nullable=True)
    amount_remaining = Money("amountRemaining", nullable=True)
    amount_captured = Money("amountCaptured", nullable=True)
    amount_charged_back = Money("amountChargedBack", nullable=True)
    settlement_amount = Money("settlementAmount", nullable=True)
    method = Choice("method", PaymentMethod, nullable=True)
    sequence_type = Choice("sequenceType", SequenceType, nullable=True, required=True)
    metadata = Json("metadata", nullable=True)
    details = Json("details", nullable=True)
    profile_id = Str("profileId", nullable=True, required=True)
    customer_id = Str("customerId", nullable=True)
    mandate_id = Str("mandateId", nullable=True)
    subscription_id = Str("subscriptionId", nullable=True)
    settlement_id = Str("settlementId", nullable=True)
    order_id = Str("orderId", nullable=True)
    redirect_url = Str("redirectUrl", nullable=True)
    webhook_url = Str("webhookUrl", nullable=True)
    is_cancelable = Bool("isCancelable", nullable=True)
    created_at = Timestamp("createdAt", required=True)
    authorized_at = Timestamp("authorizedAt", nullable=True)
    paid_at = Timestamp("paidAt", nullable=True)
    canceled_at = Timestamp("canceledAt", nullable=True)
    expires_at = Timestamp("expiresAt", nullable=True)
    expired_at = Timestamp("expiredAt", nullable=True)
    failed_at = Timestamp("failedAt", nullable=True)


class Refund(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode, required=True)
    status = Choice("status", RefundStatus, required=True)
    description = Str("description", required=True)
    amount = Money("amount", required=True)
    settlement_amount = Money("settlementAmount", nullable=True)
    metadata = Json("metadata", nullable=True, required=True)
    payment_id = Str("paymentId", nullable=True, required=True)
    settlement_id = Str("settlementId", nullable=True)
    created_at = Timestamp("createdAt", required=True)


class Chargeback(MollieObject):
    __slots__ = ()
    amount = Money("amount", required=True)
    settlement_amount = Money("settlementAmount", nullable=True)
    reason = Json("reason", nullable=True)
    payment_id = Str("paymentId", required=True)
    settlement_id = Str("settlementId", nullable=True)
    created_at = Timestamp("createdAt", required=True)
    reversed_at = Timestamp("reversedAt", nullable=True)


class Capture(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode, required=True)
    status = Choice("status", CaptureStatus, required=True)
    description = Str("description")
    amount = Money("amount", nullable=True, required=True)
    settlement_amount = Money("settlementAmount", nullable=True)
    metadata = Json("metadata", nullable=True)
    payment_id = Str("paymentId", required=True)
    shipment_id = Str("shipmentId", nullable=True)
    settlement_id = Str("settlementId", nullable=True)
    created_at = Timestamp("createdAt", required=True)
