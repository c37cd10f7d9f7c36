"""What the dashboard shows of an account right after adopt: Active Members (subscriptions), MRR and the
30-day volume, read from the dashboard's own figures (`DashboardMetrics.compute`) over the local
records (`figures`: the SQL store's or the site's `LocalFigures`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ...monitoring.dashboard_metrics import DashboardMetrics, LocalFigures

CURRENCY = "EUR"


@dataclass(frozen=True)
class DayOne:
    active_members: int
    mrr: Decimal
    volume_30d_count: int
    volume_30d_amount: Decimal

    def line(self) -> str:
        return (f"Day one: active members {self.active_members}, MRR {CURRENCY} {self.mrr:,.2f}, "
                f"30-day volume {CURRENCY} {self.volume_30d_amount:,.2f} ({self.volume_30d_count} payments)")


def day_one_figures(config, figures: LocalFigures, clock: Callable[[], datetime]) -> DayOne:
    metrics = DashboardMetrics(config, figures=figures, clock=clock).compute()
    subscriptions = metrics.get("subscriptions") or {}
    mrr = ((subscriptions.get("mrr") or {}).get(CURRENCY) or {}).get("total")
    volume = ((metrics.get("volume") or {}).get("30d") or {}).get(CURRENCY)
    return DayOne(active_members=(subscriptions.get("counts") or {}).get("active", 0),
                  mrr=Decimal(mrr["value"]) if mrr else Decimal(0),
                  volume_30d_count=volume["count"] if volume else 0,
                  volume_30d_amount=Decimal(volume["amount"]["value"]) if volume else Decimal(0))
