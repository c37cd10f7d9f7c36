"""Customers (members), their mandates and subscriptions (recurring dues)."""

from __future__ import annotations

from .base import MollieObject
from .enums import MandateMethod, MandateStatus, Mode, SubscriptionStatus
from .fields import Choice, Day, Int, Json, Money, Str, Timestamp


class Customer(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode)
    name = Str("name", nullable=True)
    email = Str("email", nullable=True)
    locale = Str("locale", nullable=True)
    metadata = Json("metadata", nullable=True)
    created_at = Timestamp("createdAt")


class Mandate(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode)
    status = Choice("status", MandateStatus)
    method = Choice("method", MandateMethod)
    details = Json("details", nullable=True)
    mandate_reference = Str("mandateReference", nullable=True)
    signature_date = Day("signatureDate", nullable=True)
    customer_id = Str("customerId", nullable=True)
    created_at = Timestamp("createdAt")


class Subscription(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode)
    status = Choice("status", SubscriptionStatus)
    amount = Money("amount")
    times = Int("times", nullable=True)
    times_remaining = Int("timesRemaining", nullable=True)
    interval = Str("interval")
    start_date = Day("startDate")
    next_payment_date = Day("nextPaymentDate", nullable=True)
    description = Str("description")
    method = Str("method", nullable=True)
    mandate_id = Str("mandateId", nullable=True)
    customer_id = Str("customerId", nullable=True)
    webhook_url = Str("webhookUrl", nullable=True)
    metadata = Json("metadata", nullable=True)
    created_at = Timestamp("createdAt")
    canceled_at = Timestamp("canceledAt", nullable=True)
