"""Payment links: a checkout a member can open any time (a reminder's "pay now")."""

from __future__ import annotations

from .base import MollieObject
from .enums import Mode
from .fields import Bool, Choice, Json, Money, Str, Timestamp


class PaymentLink(MollieObject):
    __slots__ = ()
    mode = Choice("mode", Mode, required=True)
    description = Str("description", required=True)
    amount = Money("amount", nullable=True, required=True)
    minimum_amount = Money("minimumAmount", nullable=True)
    archived = Bool("archived", required=True)
    reusable = Bool("reusable", nullable=True, required=True)
    redirect_url = Str("redirectUrl", nullable=True, required=True)
    webhook_url = Str("webhookUrl", nullable=True, required=True)
    profile_id = Str("profileId", nullable=True, required=True)
    sequence_type = Str("sequenceType", nullable=True)
    customer_id = Str("customerId", nullable=True)
    allowed_methods = Json("allowedMethods", nullable=True, required=True)
    created_at = Timestamp("createdAt", required=True)
    paid_at = Timestamp("paidAt", nullable=True, required=True)
    expires_at = Timestamp("expiresAt", nullable=True, required=True)

    @property
    def checkout_url(self) -> str | None:
        """Where the member pays (`_links.paymentLink`)."""
        return self.link("paymentLink")
