"""Drift: Mollie's subscription says something else than the local record about amount, interval,
mandate or whether it runs. Reported with the choice offered to the finance manager
(`accept_mollie` or `restore_local`), never silently overwritten."""

from __future__ import annotations

from ..core.models import Subscription
from .dates import parse_interval
from .records import DriftReport, SubscriptionRecord

_RUNNING = ("active", "pending", "suspended", "completed")


def _interval_key(text: str | None):
    try:
        return parse_interval(text or "")
    except ValueError:
        return text


def _expected_mollie_state(record: SubscriptionRecord) -> str:
    return "canceled" if record.mollie_canceled_at is not None else "running"


def detect_drift(record: SubscriptionRecord, subscription: Subscription) -> list[DriftReport]:
    found: list[DriftReport] = []

    def report(field: str, local: object, mollie: object) -> None:
        found.append(DriftReport(record.account, subscription.id, field, None if local is None else str(local),
                                 None if mollie is None else str(mollie), record.member_reference, record.term))

    if subscription.amount != record.amount:
        report("amount", record.amount, subscription.amount)
    if _interval_key(subscription.interval) != _interval_key(record.interval):
        report("interval", record.interval, subscription.interval)
    if record.mandate_id is not None and subscription.mandate_id != record.mandate_id:
        report("mandate", record.mandate_id, subscription.mandate_id)
    mollie_state = "running" if str(subscription.status) in _RUNNING else str(subscription.status)
    expected = _expected_mollie_state(record)
    if mollie_state != expected and not (expected == "canceled" and str(subscription.status) == "completed"):
        report("status", expected, subscription.status)
    return found
