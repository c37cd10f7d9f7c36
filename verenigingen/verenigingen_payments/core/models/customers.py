"""Customers (members), their mandates and subscriptions (recurring dues)."""

from __future__ import annotations

from .base import MollieObject
from .enums import MandateMethod, MandateStatus, Mode, SubscriptionStatus
from .fields import Choice, Day, Int, Json, Money, Str, Timestamp


class Customer(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode, required=True)
    name = Str("name", nullable=True, required=True)
    email = Str("email", nullable=True, required=True)
    locale = Str("locale", nullable=True, required=True)
    metadata = Json("metadata", nullable=True, required=True)
    created_at = Timestamp("createdAt", required=True)


class Mandate(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode, required=True)
    status = Choice("status", MandateStatus, required=True)
    method = Choice("method", MandateMethod, required=True)
    details = Json("details", nullable=True, required=True)
    mandate_reference = Str("mandateReference", nullable=True, required=True)
    signature_date = Day("signatureDate", nullable=True, required=True)
    customer_id = Str("customerId", nullable=True, required=True)
    created_at = Timestamp("createdAt", required=True)


class Subscription(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode, required=True)
    status = Choice("status", SubscriptionStatus, required=True)
    amount = Money("amount", required=True)
    times = Int("times", nullable=True, required=True)
    times_remaining = Int("timesRemaining", nullable=True, required=True)
    interval = Str("interval", required=True)
    start_date = Day("startDate", required=True)
    next_payment_date = Day("nextPaymentDate", nullable=True)
    description = Str("description", required=True)
    method = Str("method", nullable=True, required=True)
    mandate_id = Str("mandateId", nullable=True)
    customer_id = Str("customerId", nullable=True, required=True)
    webhook_url = Str("webhookUrl", nullable=True, required=True)
    metadata = Json("metadata", nullable=True, required=True)
    created_at = Timestamp("createdAt", required=True)
    canceled_at = Timestamp("canceledAt", nullable=True)
