"""Wiring shared by the monitoring tests: emulator configs, a stepping clock, local seams on a store."""

from __future__ import annotations

from datetime import datetime, timedelta

from verenigingen.verenigingen_payments.clients import MollieConfig
from verenigingen.verenigingen_payments.monitoring.alerts import OutboxNotifier
from verenigingen.verenigingen_payments.monitoring.seams import AlertDefaults, MonitoringSeams
from verenigingen.verenigingen_payments.store.sql.monitoring_store import SqlMonitoringStore


def config_for(emu, account: str = "small", **changes) -> MollieConfig:
    values = dict(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                  account=account, retry_max_attempts=1)
    return MollieConfig(**{**values, **changes})


class StepClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def emulator_now(emu) -> datetime:
    return datetime.fromisoformat(emu.control.now())


def seams_on(engine, defaults: AlertDefaults | None = None, accounts=()) -> tuple[MonitoringSeams, OutboxNotifier]:
    store = SqlMonitoringStore(engine)
    outbox = OutboxNotifier()
    seams = MonitoringSeams(store, store, store, outbox, lambda name: defaults or AlertDefaults(),
                            lambda: list(accounts))
    return seams, outbox
