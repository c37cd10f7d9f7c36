"""Tables of membership subscriptions (mirrors the `Mollie Subscription` DocType), their lifecycle
events, their payments as the revenue figures count them, drift reports and the sync checkpoint."""

from __future__ import annotations

import sqlalchemy as sa

from ..types import LongText, UtcDateTime

METADATA = sa.MetaData()
MIGRATIONS = ()

mollie_subscription = sa.Table(
    "mollie_subscription",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("member_reference", sa.String(140), primary_key=True),
    sa.Column("term", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("interval", sa.String(32), nullable=False),
    sa.Column("description", sa.String(255), nullable=False),
    sa.Column("customer_id", sa.String(64), nullable=True),
    sa.Column("mandate_id", sa.String(64), nullable=True),
    sa.Column("mandate_via", sa.String(16), nullable=True),
    sa.Column("first_payment_id", sa.String(64), nullable=True),
    sa.Column("subscription_id", sa.String(64), nullable=True),
    sa.Column("mollie_status", sa.String(16), nullable=True),
    sa.Column("suspension_reason", sa.String(255), nullable=True),
    sa.Column("start_date", sa.Date, nullable=True),
    sa.Column("trial_end", UtcDateTime(), nullable=True),
    sa.Column("current_period_end", UtcDateTime(), nullable=True),
    sa.Column("next_payment_date", sa.Date, nullable=True),
    sa.Column("cancel_at_period_end", sa.Boolean, nullable=False, default=False),
    sa.Column("cancel_requested_at", UtcDateTime(), nullable=True),
    sa.Column("mollie_canceled_at", UtcDateTime(), nullable=True),
    sa.Column("ended_at", UtcDateTime(), nullable=True),
    sa.Column("failed_payment_count", sa.Integer, nullable=False, default=0),
    sa.Column("last_payment_id", sa.String(64), nullable=True),
    sa.Column("last_payment_status", sa.String(16), nullable=True),
    sa.Column("activated_at", UtcDateTime(), nullable=True),
    sa.Column("last_sync", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=True),
    sa.Index("idx_mollie_subscription_sub", "account", "subscription_id", unique=True),
    sa.Index("idx_mollie_subscription_first", "account", "first_payment_id"),
    sa.Index("idx_mollie_subscription_status", "account", "status"),
)

mollie_subscription_event = sa.Table(
    "mollie_subscription_event",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("event_key", sa.String(200), primary_key=True),
    sa.Column("member_reference", sa.String(140), nullable=False),
    sa.Column("term", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("details", LongText, nullable=True),
    sa.Index("idx_mollie_subscription_event_at", "account", "at"),
)

mollie_subscription_payment = sa.Table(
    "mollie_subscription_payment",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("payment_id", sa.String(64), primary_key=True),
    sa.Column("subscription_id", sa.String(64), nullable=True),
    sa.Column("member_reference", sa.String(140), nullable=False),
    sa.Column("term", sa.Integer, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("due_date", sa.Date, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("paid_at", UtcDateTime(), nullable=True),
    sa.Column("amount_charged_back", sa.String(40), nullable=True),
    sa.Column("amount_refunded", sa.String(40), nullable=True),
    sa.Column("sequence_type", sa.String(16), nullable=True),
    sa.Index("idx_mollie_subscription_payment_due", "account", "due_date"),
)

mollie_subscription_drift = sa.Table(
    "mollie_subscription_drift",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("subscription_id", sa.String(64), primary_key=True),
    sa.Column("field", sa.String(32), primary_key=True),
    sa.Column("local_value", sa.String(255), nullable=True),
    sa.Column("mollie_value", sa.String(255), nullable=True),
    sa.Column("member_reference", sa.String(140), nullable=False),
    sa.Column("term", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("first_seen_at", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=False),
    sa.Column("resolution", sa.String(32), nullable=True),
)

mollie_subscription_sync = sa.Table(
    "mollie_subscription_sync",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("next_from", sa.String(64), nullable=True),
    sa.Column("started_at", UtcDateTime(), nullable=True),
    sa.Column("completed_at", UtcDateTime(), nullable=True),
    sa.Column("processed", sa.Integer, nullable=False, default=0),
)
