"""Where balance monitoring gets what is not in `MollieConfig`: the account-wide alert defaults
(Mollie Settings `low_balance_threshold`, `enable_balance_alerts`, `alert_recipients`), the list of
enabled accounts, the stores and the notifier.

Inside a site the Frappe layer provides them from
`verenigingen.verenigingen_payments.frappe_integration.monitoring.seams.monitoring_seams()`
(loaded by dotted name, so this module never imports Frappe); outside one they come from the
environment: `MOLLIE_<NAME>_LOW_BALANCE_THRESHOLD`, `MOLLIE_<NAME>_ENABLE_BALANCE_ALERTS`,
`MOLLIE_<NAME>_ALERT_RECIPIENTS` (comma-separated), accounts in `VERENIGINGEN_MONITOR_ACCOUNTS`,
the SQL store and the logging notifier.
"""

from __future__ import annotations

import importlib
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from ..clients.config import _frappe_site_bound
from ..core.errors import ConfigurationError
from .alerts import AlertStateStore, LoggingNotifier, Notifier
from .thresholds import BELOW, BalanceThreshold, ThresholdStore

FRAPPE_SEAMS = "verenigingen.verenigingen_payments.frappe_integration.monitoring.seams"
ACCOUNTS_ENV = "VERENIGINGEN_MONITOR_ACCOUNTS"
DEFAULT_THRESHOLD_PREFIX = "settings-default"


@dataclass(frozen=True)
class AlertDefaults:
    low_balance_threshold: Decimal | None = None
    enable_balance_alerts: bool = False
    alert_recipients: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AlertDefaults:
        """From a Mollie Settings record's fields (or their env equivalents); bad values are errors."""
        raw = data.get("low_balance_threshold")
        threshold = None
        if raw not in (None, ""):
            if isinstance(raw, float):
                raw = repr(raw)
            try:
                threshold = Decimal(str(raw))
            except InvalidOperation:
                raise ConfigurationError(f"low_balance_threshold: {raw!r} is not a number") from None
        enabled = data.get("enable_balance_alerts")
        if isinstance(enabled, str):
            enabled = enabled.strip().lower() in {"1", "true", "yes", "on"}
        recipients = data.get("alert_recipients") or ()
        if isinstance(recipients, str):
            recipients = [r for r in re.split(r"[,;\s]+", recipients) if r]
        return cls(threshold, bool(enabled), tuple(recipients))

    def default_threshold(self, settings_name: str) -> BalanceThreshold | None:
        """The account-wide `below` threshold these defaults describe (None when switched off)."""
        if not self.enable_balance_alerts or self.low_balance_threshold is None:
            return None
        return BalanceThreshold(f"{DEFAULT_THRESHOLD_PREFIX}:{settings_name}", settings_name, BELOW,
                                self.low_balance_threshold, recipients=self.alert_recipients)


def defaults_from_environment(name: str, environ: Mapping[str, str] | None = None) -> AlertDefaults:
    env = os.environ if environ is None else environ
    prefix = "MOLLIE_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper() + "_"
    return AlertDefaults.from_mapping({
        field: env.get(prefix + field.upper()) for field in
        ("low_balance_threshold", "enable_balance_alerts", "alert_recipients")})


@dataclass(frozen=True)
class MonitoringSeams:
    thresholds: ThresholdStore
    alert_state: AlertStateStore
    forecasts: Any
    notifier: Notifier
    defaults: Callable[[str], AlertDefaults]
    enabled_accounts: Callable[[], list[str]]


def _accounts_from_environment() -> list[str]:
    return [n.strip() for n in os.environ.get(ACCOUNTS_ENV, "").split(",") if n.strip()]


def local_seams(store_url: str | None = None, notifier: Notifier | None = None) -> MonitoringSeams:
    from ..store.sql import create_store_engine
    from ..store.sql.monitoring_store import SqlMonitoringStore

    store = SqlMonitoringStore(create_store_engine(store_url))
    return MonitoringSeams(store, store, store, notifier or LoggingNotifier(), defaults_from_environment,
                           _accounts_from_environment)


def default_seams() -> MonitoringSeams:
    """The Frappe layer's seams when a site is bound, the local ones otherwise."""
    if _frappe_site_bound():
        return importlib.import_module(FRAPPE_SEAMS).monitoring_seams()
    return local_seams()
