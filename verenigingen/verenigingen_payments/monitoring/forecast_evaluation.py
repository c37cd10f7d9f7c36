"""Held-out evaluation of the balance forecast: forecasts made at past days with only what was
known then, compared with the balance that actually followed, beside two naive baselines
(persistence: tomorrow = today; and a least-squares line through the last 28 days' closing
balances, the "plain linear fit on raw balances" this forecast exists to beat)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from .forecast import (
    RATE_WINDOW_DAYS, BalanceHistory, Flow, SettlementMark, amsterdam_day, end_of_day, forecast_balance,
)

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class HoldoutReport:
    origins: int
    horizon: int
    mae: dict[int, Decimal]
    mae_persistence: dict[int, Decimal]
    mae_linear_fit: dict[int, Decimal]
    band_coverage: Decimal
    mean_abs_balance: Decimal

    def as_dict(self) -> dict:
        fmt = lambda d: {h: f"{v:f}" for h, v in d.items()}  # noqa: E731
        return {"origins": self.origins, "horizon": self.horizon, "mae": fmt(self.mae),
                "mae_persistence": fmt(self.mae_persistence), "mae_linear_fit": fmt(self.mae_linear_fit),
                "band_coverage": f"{self.band_coverage:f}", "mean_abs_balance": f"{self.mean_abs_balance:f}"}


def _linear_fit(history: BalanceHistory, origin, h: int) -> Decimal:
    today = amsterdam_day(origin)
    ys = [history.balance_at(end_of_day(today - timedelta(days=k))) for k in range(RATE_WINDOW_DAYS - 1, -1, -1)]
    xs = [Decimal(i) for i in range(len(ys))]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my + slope * (xs[-1] + h - mx)


def evaluate_holdout(flows: list[Flow], settlements: list[SettlementMark], available: Decimal, currency: str,
                     as_of, *, holdout_days: int = 21, horizon: int = 7) -> HoldoutReport:
    """Forecast from the end of each of the last `holdout_days` days whose targets are all known."""
    full = BalanceHistory(flows, settlements, available, as_of)
    last_origin_day = amsterdam_day(as_of) - timedelta(days=horizon + 1)
    origins = [end_of_day(last_origin_day - timedelta(days=k)) for k in range(holdout_days - 1, -1, -1)]
    errors: dict[int, list[Decimal]] = {h: [] for h in range(1, horizon + 1)}
    persistence: dict[int, list[Decimal]] = {h: [] for h in range(1, horizon + 1)}
    linear: dict[int, list[Decimal]] = {h: [] for h in range(1, horizon + 1)}
    inside = total = 0
    actuals = []
    for origin in origins:
        known_flows = [f for f in flows if f.at <= origin]
        forecast = forecast_balance(known_flows, settlements, full.balance_at(origin), currency, origin,
                                    horizon=horizon)
        today = full.balance_at(origin)
        for h, point in enumerate(forecast.points, start=1):
            actual = full.balance_at(end_of_day(point.day))
            actuals.append(abs(actual))
            errors[h].append(abs(actual - point.expected))
            persistence[h].append(abs(actual - today))
            linear[h].append(abs(actual - _linear_fit(full, origin, h)))
            inside += point.low <= actual <= point.high
            total += 1
    mean = lambda v: (sum(v, Decimal(0)) / len(v)).quantize(_CENT, ROUND_HALF_EVEN)  # noqa: E731
    return HoldoutReport(
        len(origins), horizon, {h: mean(v) for h, v in errors.items()},
        {h: mean(v) for h, v in persistence.items()}, {h: mean(v) for h, v in linear.items()},
        (Decimal(inside) / Decimal(total)).quantize(Decimal("0.001")), mean(actuals))
