"""Tables of balance monitoring: thresholds (mirror `Balance Threshold`), the alert state that
deduplicates notifications, and the last forecast per balance.

`idx_balance_threshold` is the deployment guide's (balance_id, active) index.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..types import LongText, UtcDateTime

METADATA = sa.MetaData()
MIGRATIONS = ()

balance_threshold = sa.Table(
    "balance_threshold",
    METADATA,
    sa.Column("threshold_id", sa.String(64), primary_key=True),
    sa.Column("settings_name", sa.String(140), nullable=False),
    sa.Column("balance_id", sa.String(64), nullable=True),
    sa.Column("currency", sa.String(3), nullable=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
    sa.Column("period_hours", sa.Integer, nullable=False),
    sa.Column("forecast_days", sa.Integer, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("recipients", sa.Text, nullable=False),
    sa.Column("cooldown_minutes", sa.Integer, nullable=False),
    sa.Index("idx_balance_threshold", "balance_id", "active"),
    sa.Index("idx_balance_threshold_settings", "settings_name", "active"),
)

balance_alert_state = sa.Table(
    "balance_alert_state",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("condition_key", sa.String(200), primary_key=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("first_seen_at", UtcDateTime(), nullable=True),
    sa.Column("last_notified_at", UtcDateTime(), nullable=True),
    sa.Column("notified_count", sa.Integer, nullable=False),
)

balance_forecast = sa.Table(
    "balance_forecast",
    METADATA,
    sa.Column("account", sa.String(140), primary_key=True),
    sa.Column("balance_id", sa.String(64), primary_key=True),
    sa.Column("computed_at", UtcDateTime(), nullable=False),
    sa.Column("payload", LongText, nullable=False),
)
