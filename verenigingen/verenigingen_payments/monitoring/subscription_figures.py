"""The dashboard's subscription section: counts by status, monthly recurring revenue by interval,
members gained, lost and won back, the failed-payment rate and the dues expected vs received of
the current Amsterdam month. Every figure comes from `subscriptions.revenue` over the local
subscription store (SQL tables outside a site, the Mollie Subscription DocTypes inside).

Counts are per membership term (a member who came back after cancelling has a canceled and an
active term), as the sync reports them to Prometheus. Movements are counted both over the
dashboard's "30d" window and over the current month, so the card and the Membership Revenue
report agree.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from ..core.models.money import Amount, currency_quantum
from ..subscriptions import revenue
from ..subscriptions.dates import add_interval, amsterdam_date, month_of
from ..subscriptions.records import ACTIVE, PAST_DUE, STATUSES, SubscriptionStore

MOVEMENTS = ("new", "churned", "reactivated")


def _money(amount: Amount) -> dict:
    """`{"value", "currency"}` with exactly the currency's decimals (a site store may read back more)."""
    value = amount.value.quantize(currency_quantum(amount.currency))
    return {"value": f"{value:f}", "currency": amount.currency}


def _rate(failure: revenue.FailureRate) -> str | None:
    if not failure.settled:
        return None
    return f"{failure.rate.quantize(Decimal('0.0001'), ROUND_HALF_EVEN):f}"


def _movements(store: SubscriptionStore, account: str, since: datetime, first: date) -> dict:
    window, month = Counter(), Counter()
    for event in store.iter_events(account):
        if event.kind not in MOVEMENTS:
            continue
        if event.at >= since:
            window[event.kind] += 1
        if amsterdam_date(event.at) >= first:
            month[event.kind] += 1
    return {"30d": {k: window[k] for k in MOVEMENTS}, "month": {k: month[k] for k in MOVEMENTS}}


def subscription_figures(store: SubscriptionStore, account: str, now: datetime, window_start: datetime) -> dict:
    """The section for `account` at `now`; `window_start` is the start of the dashboard's 30-day window."""
    today = amsterdam_date(now)
    month = month_of(today)
    first, last = revenue.month_bounds(month)
    records = list(store.iter_records(account))
    counts = Counter(r.status for r in records)
    paying = sorted({r.amount.currency for r in records if r.status in (ACTIVE, PAST_DUE)})
    currencies = sorted({r.amount.currency for r in records})
    failure = revenue.failed_payment_rate(store, account, first, add_interval(last, "1 day"))
    dues = {}
    for currency in currencies:
        comparison = revenue.expected_vs_received(store, account, first, last, currency)
        dues[currency] = {"expected": _money(comparison.expected), "received": _money(comparison.received),
                          "outstanding": _money(comparison.outstanding)}
    return {
        "counts": {status: counts[status] for status in STATUSES},
        "mrr": {currency: {interval: _money(amount) for interval, amount in sorted(
            revenue.mrr_by_interval(store, account, currency).items())} for currency in paying},
        "movements": _movements(store, account, window_start, first),
        "period": {"month": month, "from": first.isoformat(), "until": last.isoformat()},
        "failed_payments": {"failed": failure.failed, "settled": failure.settled, "rate": _rate(failure)},
        "dues": dues,
    }
