"""Revenue and churn figures over the subscription store: MRR by interval, members gained, lost and
won back per month, the failed-payment rate, and dues expected vs received per month. Money stays
`Amount` (exact Decimal); MRR is rounded to cents only at the end, half up."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ..core.models.money import Amount
from .dates import add_interval, amsterdam_date, month_of, periods_per_year
from .lifecycle import CHARGED_BACK
from .records import ACTIVE, PAST_DUE, SubscriptionRecord, SubscriptionStore

_FAILED = ("failed", "expired", "canceled", CHARGED_BACK)
_MAX_PERIODS = 2000


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def monthly_amount(record: SubscriptionRecord) -> Amount:
    per_year, per = periods_per_year(record.interval)
    return Amount(record.amount.value * per_year / per / 12, record.amount.currency)


def mrr_by_interval(store: SubscriptionStore, account: str, currency: str = "EUR") -> dict[str, Amount]:
    """Monthly recurring revenue of paying members (active or past due), per interval and "total"."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for record in store.iter_records(account, statuses=(ACTIVE, PAST_DUE)):
        if record.amount.currency != currency or record.activated_at is None:
            continue
        value = monthly_amount(record).value
        sums[record.interval] += value
        sums["total"] += value
    return {interval: Amount(_cents(v), currency) for interval, v in sums.items()}


def member_movements(store: SubscriptionStore, account: str) -> dict[str, Counter]:
    """Per Amsterdam month: new, churned and reactivated members."""
    months: dict[str, Counter] = defaultdict(Counter)
    for event in store.iter_events(account):
        if event.kind in ("new", "churned", "reactivated"):
            months[month_of(amsterdam_date(event.at))][event.kind] += 1
    return dict(months)


@dataclass(frozen=True)
class FailureRate:
    failed: int
    settled: int

    @property
    def rate(self) -> Decimal:
        return Decimal(0) if not self.settled else Decimal(self.failed) / Decimal(self.settled)


def failed_payment_rate(store: SubscriptionStore, account: str, from_date: date | None = None,
                        until_date: date | None = None) -> FailureRate:
    """Failed or charged-back payments among those with a final outcome, by due date in [from, until)."""
    failed = settled = 0
    for p in store.iter_payments(account):
        if (from_date and p.due_date < from_date) or (until_date and p.due_date >= until_date):
            continue
        if p.status in _FAILED:
            failed += 1
            settled += 1
        elif p.status == "paid":
            settled += 1
    return FailureRate(failed, settled)


def _due_dates(record: SubscriptionRecord, first: date, last: date):
    if record.start_date is None:
        return
    end = None
    if record.ended_at is not None:
        end = amsterdam_date(record.ended_at)
    if record.cancel_at_period_end and record.current_period_end is not None:
        end = min(filter(None, (end, amsterdam_date(record.current_period_end))))
    day = record.start_date
    for _ in range(_MAX_PERIODS):
        if day > last or (end is not None and day >= end):
            return
        if day >= first:
            yield day
        day = add_interval(day, record.interval)


@dataclass(frozen=True)
class DuesComparison:
    month: str
    expected: Amount
    received: Amount

    @property
    def outstanding(self) -> Amount:
        return self.expected - self.received


def expected_vs_received(store: SubscriptionStore, account: str, first: date, last: date,
                         currency: str = "EUR") -> DuesComparison:
    """Dues falling due in [first, last] (Amsterdam days) vs what was paid for them and kept."""
    expected = received = Decimal(0)
    for record in store.iter_records(account):
        if record.amount.currency == currency:
            expected += record.amount.value * sum(1 for _ in _due_dates(record, first, last))
    for p in store.iter_payments(account):
        if p.amount.currency != currency or not first <= p.due_date <= last:
            continue
        if p.status in ("paid", CHARGED_BACK):
            kept = p.amount.value
            for lost in (p.amount_charged_back, p.amount_refunded):
                kept -= lost.value if lost else 0
            received += kept
    return DuesComparison(f"{month_of(first)}", Amount(expected, currency), Amount(received, currency))


def month_bounds(month: str) -> tuple[date, date]:
    year, number = (int(x) for x in month.split("-"))
    first = date(year, number, 1)
    return first, add_interval(first, "1 month") - timedelta(days=1)


def dashboard_metrics(store: SubscriptionStore, account: str, month: str, now: datetime) -> dict:
    first, last = month_bounds(month)
    dues = expected_vs_received(store, account, first, last)
    failure = failed_payment_rate(store, account, first, add_interval(last, "1 day"))
    return {
        "mrr": {k: v.to_mollie() for k, v in mrr_by_interval(store, account).items()},
        "movements": {m: dict(c) for m, c in member_movements(store, account).items()},
        "failed_payment_rate": str(failure.rate), "dues_expected": dues.expected.to_mollie(),
        "dues_received": dues.received.to_mollie(), "generated_at": now.isoformat(),
    }
