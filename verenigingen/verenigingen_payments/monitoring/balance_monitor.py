"""Balance monitoring: the deployment guide's console line and its 15-minute scheduled job.

    from verenigingen.verenigingen_payments.monitoring.balance_monitor import BalanceMonitor
    monitor = BalanceMonitor("Production")
    health = monitor.run_monitoring_cycle()
    print(f"Monitoring active: {health['status']}")

A cycle reads every balance of the account, checks the active Balance Thresholds plus the
account-wide default (Mollie Settings `low_balance_threshold` when `enable_balance_alerts`),
notifies through the deduplicating gate and returns a dict: `status` ("healthy" / "warning" /
"critical"; "disabled" when the account's backend API is switched off, in which case nothing is
read and nothing is sent), `balances_checked`, `alerts_raised`, `alerts_suppressed`,
`alerts_cleared`, `forecast` (per balance) and `errors`. When Mollie cannot be read the status is
"warning" with the error named: the monitor cannot vouch for the balance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone

from ..clients import BalancesClient, MollieConfig, SettlementsClient, resolve_config
from ..core.errors import MollieError
from ..core.models import Balance
from ..observability.recorders import observe_balance_cycle
from .alerts import AlertGate, Notifier
from .balance_data import read_flows, read_schedule
from .forecast import BalanceForecast, BalanceHistory, forecast_balance
from .seams import AlertDefaults, MonitoringSeams, default_seams
from .thresholds import CRITICAL, DROP, HEALTHY, WARNING, BalanceSnapshot, check

logger = logging.getLogger(__name__)
FORECAST_HISTORY = timedelta(days=57)  # a 28-day rate window behind each of 28 calibration days
FORECAST_EVERY = timedelta(hours=6)
FORECAST_HORIZON = 14
DISABLED = "disabled"


class BalanceMonitor:
    def __init__(self, settings: str | MollieConfig, *, seams: MonitoringSeams | None = None,
                 notifier: Notifier | None = None, defaults: AlertDefaults | None = None,
                 clock: Callable[[], datetime] | None = None, forecast_every: timedelta = FORECAST_EVERY) -> None:
        self._settings = settings
        self.config = resolve_config(settings)
        self.account = self.config.account
        self._seams = seams or default_seams()
        self._notifier = notifier or self._seams.notifier
        self._defaults = defaults
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._forecast_every = forecast_every

    def _thresholds(self, defaults: AlertDefaults):
        thresholds = list(self._seams.thresholds.active_thresholds(self.account))
        default = defaults.default_threshold(self.account)
        return thresholds + ([default] if default is not None else [])

    def run_monitoring_cycle(self) -> dict:
        now = self._clock()
        result = {"account": self.account, "checked_at": now.isoformat(), "status": HEALTHY, "balances_checked": [],
                  "alerts_raised": [], "alerts_suppressed": [], "alerts_cleared": [], "forecast": {}, "errors": []}
        config = resolve_config(self._settings)
        if not config.enabled:
            result["status"] = DISABLED
            return result
        defaults = self._defaults or self._seams.defaults(self.account)
        thresholds = self._thresholds(defaults)
        balances_client = BalancesClient(config)
        try:
            balances = balances_client.list_balances()
        except MollieError as exc:
            return self._unreadable(result, exc)
        breaches, checked_keys, worst = [], set(), HEALTHY
        for balance in balances:
            try:
                snap = self._snapshot(config, balances_client, balance, thresholds, now)
            except MollieError as exc:
                logger.warning("balance %s of %s could not be read: %s", balance.id, self.account, exc)
                result["errors"].append({"balance_id": balance.id, "error": type(exc).__name__, "message": str(exc)})
                worst = _worse(worst, WARNING)
                continue
            found = []
            for t in thresholds:
                if t.applies_to(balance.id, balance.currency):
                    checked_keys.add(t.condition_key(balance.id))
                    breach = check(t, snap)
                    if breach is not None:
                        found.append(breach)
            status = HEALTHY
            for b in found:
                status = _worse(status, b.threshold.severity)
            if snap.available < 0:
                status = CRITICAL
            worst = _worse(worst, status)
            breaches += found
            result["balances_checked"].append({
                "balance_id": balance.id, "currency": balance.currency, "available": f"{snap.available:f}",
                "pending": f"{snap.pending:f}", "status": status, "breaches": [b.message for b in found]})
            if snap.forecast is not None:
                result["forecast"][balance.id] = snap.forecast.as_dict()
        gate = AlertGate(self._seams.alert_state, self._notifier).process(
            self.account, breaches, checked_keys, now, defaults.alert_recipients)
        result["alerts_raised"] = [a.as_dict() for a in gate.raised]
        result["alerts_suppressed"] = gate.suppressed
        result["alerts_cleared"] = gate.cleared
        result["errors"] += [{"error": f["error"], "condition_key": f["condition_key"]} for f in gate.failed]
        result["status"] = worst
        return result

    def _unreadable(self, result: dict, exc: MollieError) -> dict:
        logger.warning("balances of %s could not be read: %s", self.account, exc)
        result["errors"].append({"error": type(exc).__name__, "message": str(exc)})
        result["status"] = WARNING
        return result

    def _snapshot(self, config: MollieConfig, client: BalancesClient, balance: Balance, thresholds,
                  now: datetime) -> BalanceSnapshot:
        relevant = [t for t in thresholds if t.applies_to(balance.id, balance.currency)]
        drop_hours = max((t.period_hours for t in relevant if t.kind == DROP), default=0)
        forecast = self._cached_forecast(balance.id, now)
        history = None
        need_forecast = forecast is None
        since = now - (FORECAST_HISTORY if need_forecast else timedelta(hours=drop_hours))
        if need_forecast or drop_hours:
            flows = read_flows(client, balance, since)
            schedule = read_schedule(SettlementsClient(config), balance, now) if need_forecast else []
            history = BalanceHistory(flows, schedule, balance.available_amount.value, now)
            if need_forecast:
                forecast = forecast_balance(flows, schedule, balance.available_amount.value, balance.currency, now,
                                            horizon=FORECAST_HORIZON)
                self._seams.forecasts.store_forecast(self.account, balance.id, now, forecast.as_dict())
        return BalanceSnapshot(balance.id, balance.currency, balance.available_amount.value,
                               balance.pending_amount.value, now, history, forecast)

    def _cached_forecast(self, balance_id: str, now: datetime) -> BalanceForecast | None:
        cached = self._seams.forecasts.cached_forecast(self.account, balance_id)
        if cached is None or now - cached[0] >= self._forecast_every or cached[0] > now:
            return None
        return BalanceForecast.from_dict(cached[1])


def _worse(a: str, b: str) -> str:
    order = (HEALTHY, WARNING, CRITICAL)
    return a if order.index(a) >= order.index(b) else b


def run_balance_monitoring(accounts: Iterable | None = None, *, seams: MonitoringSeams | None = None) -> dict[str, dict]:
    """The scheduled job (cron */15): one cycle per enabled account; one account's failure is
    logged and does not stop the others."""
    seams = seams or default_seams()
    names = list(accounts) if accounts is not None else seams.enabled_accounts()
    results: dict[str, dict] = {}
    for account in names:
        name = getattr(account, "account", account)
        try:
            results[name] = BalanceMonitor(account, seams=seams).run_monitoring_cycle()
        except Exception as exc:  # noqa: BLE001 - reported per account
            logger.exception("balance monitoring of %s failed", name)
            results[name] = {"account": name, "status": WARNING, "errors": [{"error": type(exc).__name__,
                                                                             "message": str(exc)}]}
        observe_balance_cycle(results[name])
    return results


__all__ = ["BalanceMonitor", "run_balance_monitoring"]
