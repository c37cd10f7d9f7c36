"""Forecast of a balance's available amount for the next days, with an honest uncertainty band.

Why not a line through the balance: a Mollie balance is a saw-tooth. Dues flow in day by day and
a payout (an `outgoing-transfer`) takes most of it away at once, so a straight fit on raw balances
mostly measures where the last payout fell. This forecast models the two parts separately:

* organic flow (payments net of fees, refunds, chargebacks, corrections): a robust daily rate,
  the 10%-trimmed mean of the last 28 complete days' net flow, so one dues-run day or one large
  chargeback does not set the trend;
* payouts from the settlement schedule: a settlement that is closed but not yet paid out leaves
  at its cutoff + the usual lag with its known amount; later settlements are projected at the
  usual cadence with the amount the period's known flow plus the rate implies.

The band is empirical: the same forecaster is run from each of the previous 28 days (using only
what was known then) and the 10th/90th percentiles of its errors per horizon become the band.
With too little history it falls back to ±1.28·σ·√h from the robust spread of daily flows, and
says so in `band_method`. Money stays Decimal throughout.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import accumulate, pairwise

from ..core.calendar import AMSTERDAM, amsterdam_midnight
from ..core.models.money import currency_quantum

DAY = timedelta(days=1)
RATE_WINDOW_DAYS = 28
CALIBRATION_ORIGINS = 28
MIN_CALIBRATION_SAMPLES = 8
TRIM = Decimal("0.10")
Z80 = Decimal("1.2816")
DEFAULT_CADENCE = timedelta(days=1)
DEFAULT_LAG = timedelta(days=1)


@dataclass(frozen=True)
class Flow:
    """One balance transaction: when, how much (resultAmount), and whether it is a payout."""

    at: datetime
    amount: Decimal
    payout: bool = False


@dataclass(frozen=True)
class SettlementMark:
    """A settlement as the schedule sees it: its cutoff (createdAt), amount, and payout time if paid."""

    cutoff: datetime
    amount: Decimal
    paid_out_at: datetime | None = None


@dataclass(frozen=True)
class ForecastPoint:
    day: date
    expected: Decimal
    low: Decimal
    high: Decimal
    payouts: Decimal

    def as_dict(self) -> dict:
        return {"date": self.day.isoformat(), "expected": f"{self.expected:f}", "low": f"{self.low:f}",
                "high": f"{self.high:f}", "payouts": f"{self.payouts:f}"}


@dataclass(frozen=True)
class BalanceForecast:
    currency: str
    as_of: datetime
    points: tuple[ForecastPoint, ...]
    daily_rate: Decimal
    band_method: str
    coverage: str = "0.80"

    def lowest(self, days: int | None = None) -> ForecastPoint | None:
        window = self.points[:days] if days is not None else self.points
        return min(window, key=lambda p: p.expected) if window else None

    @classmethod
    def from_dict(cls, data: dict) -> BalanceForecast:
        points = tuple(ForecastPoint(date.fromisoformat(p["date"]), Decimal(p["expected"]), Decimal(p["low"]),
                                     Decimal(p["high"]), Decimal(p["payouts"])) for p in data["points"])
        return cls(data["currency"], datetime.fromisoformat(data["as_of"]), points, Decimal(data["daily_rate"]),
                   data["band_method"], data.get("coverage", "0.80"))

    def as_dict(self) -> dict:
        return {"currency": self.currency, "as_of": self.as_of.isoformat(), "daily_rate": f"{self.daily_rate:f}",
                "band_method": self.band_method, "coverage": self.coverage,
                "points": [p.as_dict() for p in self.points]}


def end_of_day(day: date) -> datetime:
    return amsterdam_midnight(day + DAY)


def amsterdam_day(at: datetime) -> date:
    return at.astimezone(AMSTERDAM).date()


def _median(values: list) -> Decimal | timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def _quantile(values: list[Decimal], q: Decimal) -> Decimal:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def trimmed_mean(values: list[Decimal], trim: Decimal = TRIM) -> Decimal:
    if not values:
        return Decimal(0)
    ordered = sorted(values)
    cut = int(len(ordered) * trim)
    kept = ordered[cut:len(ordered) - cut] or ordered
    return sum(kept, Decimal(0)) / len(kept)


class BalanceHistory:
    """Flows and settlements of one balance, and what was known at any past moment."""

    def __init__(self, flows: list[Flow], settlements: list[SettlementMark], available: Decimal,
                 as_of: datetime) -> None:
        self.flows = sorted((f for f in flows if f.at <= as_of), key=lambda f: f.at)
        self.settlements = sorted(
            (s if s.paid_out_at is None or s.paid_out_at <= as_of else SettlementMark(s.cutoff, s.amount)
             for s in settlements if s.cutoff <= as_of), key=lambda s: s.cutoff)
        self.available = available
        self.as_of = as_of
        self._times = [f.at for f in self.flows]
        self._cumulative = list(accumulate((f.amount for f in self.flows), initial=Decimal(0)))
        self._organic = list(accumulate((Decimal(0) if f.payout else f.amount for f in self.flows),
                                        initial=Decimal(0)))

    def _index(self, moment: datetime) -> int:
        """How many flows happened at or before `moment`."""
        return bisect_right(self._times, moment)

    def balance_at(self, moment: datetime) -> Decimal:
        """The available balance at `moment`, walking back from the current amount."""
        return self.available - (self._cumulative[-1] - self._cumulative[self._index(moment)])

    def organic_by_day(self, first: date, last: date) -> list[Decimal]:
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        return [self.organic_between(end_of_day(d - DAY), end_of_day(d)) for d in days]

    def organic_between(self, start: datetime, end: datetime) -> Decimal:
        if end <= start:
            return Decimal(0)
        return self._organic[self._index(end)] - self._organic[self._index(start)]

    def window_start(self, last: date, days: int) -> date:
        """The first day of a `days`-long window ending at `last`, not before the history starts."""
        start = last - timedelta(days=days - 1)
        return max(start, self.first_day) if self.first_day is not None else start

    @property
    def first_day(self) -> date | None:
        return amsterdam_day(self.flows[0].at) if self.flows else None


def settlement_schedule(known: list[SettlementMark], as_of: datetime
                        ) -> tuple[timedelta | None, timedelta | None]:
    """The usual cadence (median gap between cutoffs) and lag (median cutoff → payout) of the
    settlements in `known` (cutoff order), as known at `as_of`; None where there is nothing to go on."""
    lags = [s.paid_out_at - s.cutoff for s in known if s.paid_out_at is not None and s.paid_out_at <= as_of]
    gaps = [b.cutoff - a.cutoff for a, b in pairwise(known)]
    return _median(gaps), _median(lags)


def _schedule(history: BalanceHistory, origin: datetime) -> tuple[timedelta, timedelta]:
    cadence, lag = settlement_schedule([s for s in history.settlements if s.cutoff <= origin], origin)
    return cadence or DEFAULT_CADENCE, lag or DEFAULT_LAG


def _payouts(history: BalanceHistory, origin: datetime, rate: Decimal, until: datetime) -> list[tuple[datetime, Decimal]]:
    """(time, amount) of the payouts expected in (origin, until], as known at `origin`."""
    cadence, lag = _schedule(history, origin)
    known = [s for s in history.settlements if s.cutoff <= origin]
    events = []
    for s in known:
        if s.paid_out_at is None or s.paid_out_at > origin:
            events.append((max(s.cutoff + lag, origin + timedelta(seconds=1)), s.amount))
    previous = known[-1].cutoff if known else origin
    cutoff = previous + cadence
    while cutoff + lag <= until:
        start = max(previous, origin)
        expected = history.organic_between(previous, min(cutoff, origin))
        expected += rate * Decimal((cutoff - start).total_seconds()) / Decimal(86400)
        events.append((cutoff + lag, expected))
        previous, cutoff = cutoff, cutoff + cadence
    return [(at, amount) for at, amount in events if origin < at <= until]


def point_path(history: BalanceHistory, origin: datetime, horizon: int) -> tuple[Decimal, list[tuple[date, Decimal, Decimal]]]:
    """(rate, [(day, expected closing balance, payouts so far)]) for the `horizon` days after origin's day."""
    origin_day = amsterdam_day(origin)
    complete = origin_day if origin >= end_of_day(origin_day) - timedelta(seconds=1) else origin_day - DAY
    rate = trimmed_mean(history.organic_by_day(history.window_start(complete, RATE_WINDOW_DAYS), complete))
    start = history.balance_at(origin)
    last_day = origin_day + timedelta(days=horizon)
    payouts = _payouts(history, origin, rate, end_of_day(last_day))
    path = []
    for h in range(1, horizon + 1):
        day = origin_day + timedelta(days=h)
        until = end_of_day(day)
        out = sum((amount for at, amount in payouts if at <= until), Decimal(0))
        elapsed = Decimal((until - origin).total_seconds()) / Decimal(86400)
        path.append((day, start + rate * elapsed - out, out))
    return rate, path


def backtest_errors(history: BalanceHistory, origins: list[datetime], horizon: int) -> dict[int, list[Decimal]]:
    """actual − expected per horizon, for forecasts made at each origin with only what it knew."""
    errors: dict[int, list[Decimal]] = {h: [] for h in range(1, horizon + 1)}
    for origin in origins:
        _, path = point_path(history, origin, horizon)
        for h, (day, expected, _) in enumerate(path, start=1):
            target = end_of_day(day)
            if target <= history.as_of:
                errors[h].append(history.balance_at(target) - expected)
    return errors


def calibration_origins(history: BalanceHistory, count: int = CALIBRATION_ORIGINS) -> list[datetime]:
    """Ends of the `count` days before today that have a full rate window behind them."""
    if history.first_day is None:
        return []
    today = amsterdam_day(history.as_of)
    earliest = history.first_day + timedelta(days=RATE_WINDOW_DAYS)
    return [end_of_day(today - timedelta(days=k)) for k in range(count, 0, -1)
            if today - timedelta(days=k) >= earliest]


def forecast_balance(flows: list[Flow], settlements: list[SettlementMark], available: Decimal, currency: str,
                     as_of: datetime, *, horizon: int = 14) -> BalanceForecast:
    history = BalanceHistory(flows, settlements, available, as_of)
    rate, path = point_path(history, as_of, horizon)
    errors = backtest_errors(history, calibration_origins(history), horizon)
    quantum = currency_quantum(currency)
    spread = _robust_spread(history)
    points, method = [], "empirical 10th-90th percentile of backtest errors"
    for h, (day, expected, out) in enumerate(path, start=1):
        sample = errors.get(h, [])
        if len(sample) >= MIN_CALIBRATION_SAMPLES:
            low, high = expected + _quantile(sample, Decimal("0.1")), expected + _quantile(sample, Decimal("0.9"))
        else:
            method = "normal approximation ±1.28·σ·√h (too little history for a backtest)"
            width = Z80 * spread * Decimal(h).sqrt()
            low, high = expected - width, expected + width
        q = lambda v: v.quantize(quantum, ROUND_HALF_EVEN)  # noqa: E731
        points.append(ForecastPoint(day, q(expected), q(min(low, expected)), q(max(high, expected)), q(out)))
    return BalanceForecast(currency, as_of, tuple(points), rate.quantize(quantum, ROUND_HALF_EVEN), method)


def _robust_spread(history: BalanceHistory) -> Decimal:
    """σ of daily organic flow from the median absolute deviation (1.4826·MAD)."""
    today = amsterdam_day(history.as_of)
    daily = history.organic_by_day(history.window_start(today - DAY, RATE_WINDOW_DAYS), today - DAY)
    centre = _median(daily) or Decimal(0)
    mad = _median([abs(v - centre) for v in daily]) or Decimal(0)
    return Decimal("1.4826") * mad
