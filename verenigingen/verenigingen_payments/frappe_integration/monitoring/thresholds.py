"""Balance Threshold documents as the monitor's framework-free `BalanceThreshold` records."""

from __future__ import annotations

import re
from decimal import Decimal

from verenigingen.verenigingen_payments.monitoring.thresholds import BalanceThreshold as ThresholdRecord


def _int(value, default: int) -> int:
    return default if value is None or value == "" else int(value)


def to_threshold(doc) -> ThresholdRecord:
    recipients = tuple(r for r in re.split(r"[,;\s]+", doc.recipients or "") if r)
    return ThresholdRecord(
        threshold_id=doc.name, settings_name=doc.settings_name, kind=doc.kind,
        amount=Decimal(str(doc.amount or 0)).quantize(Decimal("0.01")), balance_id=doc.balance_id or None,
        currency=doc.currency or None, period_hours=_int(doc.period_hours, 24),
        forecast_days=_int(doc.forecast_days, 7), active=bool(doc.active), recipients=recipients,
        cooldown_minutes=_int(doc.cooldown_minutes, 240))
