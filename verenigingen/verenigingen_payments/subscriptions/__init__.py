"""Membership subscriptions on Mollie: enrolment, lifecycle, the 6-hourly sync, drift, revenue.

Entry points (framework-free; the Frappe layer supplies stores and settings):
`SubscriptionService.for_account(config, store_url=None)` → enrol / cancel / reactivate /
payment_observed / subscription_observed / sync; `sync_all_subscription_payments()` in
`workflows.subscription_manager` for the scheduler.
"""

from .enrolment import EnrolmentError, EnrolmentResult, FirstPayment, SepaMandate
from .records import (
    ACTIVE, CANCELED, EXPIRED, PAST_DUE, TRIALING, DriftReport, SubscriptionRecord, SubscriptionStore,
)
from .service import SubscriptionService

__all__ = [
    "ACTIVE", "CANCELED", "EXPIRED", "PAST_DUE", "TRIALING", "DriftReport", "EnrolmentError", "EnrolmentResult",
    "FirstPayment", "SepaMandate", "SubscriptionRecord", "SubscriptionService", "SubscriptionStore",
]
