"""A Mollie subscription as the local record of a member's term (what adoption saves)."""

from __future__ import annotations

from datetime import datetime

from ...subscriptions.records import (
    ACTIVE, CANCELED, EXPIRED, MANDATE_SEPA, PAST_DUE, TRIALING, SubscriptionRecord,
)

#: Mollie's subscription status -> the local status (pending: waiting for its mandate or first charge).
STATUS = {"active": ACTIVE, "pending": TRIALING, "suspended": PAST_DUE, "canceled": CANCELED, "completed": EXPIRED}


def adopted_record(account: str, member: str, term: int, subscription, now: datetime) -> SubscriptionRecord:
    status = STATUS.get(str(subscription.status), ACTIVE)
    ended = subscription.canceled_at if status == CANCELED else None
    return SubscriptionRecord(
        account=account, member_reference=member, term=term, status=status, amount=subscription.amount,
        interval=subscription.interval, description=subscription.description, customer_id=subscription.customer_id,
        mandate_id=subscription.mandate_id, mandate_via=MANDATE_SEPA if subscription.mandate_id else None,
        subscription_id=subscription.id, mollie_status=str(subscription.status), start_date=subscription.start_date,
        next_payment_date=subscription.next_payment_date, mollie_canceled_at=subscription.canceled_at,
        ended_at=ended, activated_at=subscription.created_at, last_sync=now, created_at=subscription.created_at)
