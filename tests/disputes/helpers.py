"""Shared test wiring for the dispute tests: emulator configs and a case service on a store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from verenigingen.verenigingen_payments.clients import MollieConfig
from verenigingen.verenigingen_payments.disputes import Actor, DisputeService
from verenigingen.verenigingen_payments.store.sql.dispute_store import SqlDisputeStore

MANAGER = Actor("penningmeester@example.org", frozenset({"Mollie Finance Manager"}))
VIEWER = Actor("kascommissie@example.org", frozenset({"Mollie Finance Viewer"}))


def config_for(emu, account: str = "small") -> MollieConfig:
    return MollieConfig(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                        account=account, retry_max_attempts=1)


class StepClock:
    """A clock that moves only when told."""

    def __init__(self, start: datetime = datetime(2025, 3, 28, 11, 0, tzinfo=timezone.utc)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def service_on(engine, clock=None, sealer=None) -> DisputeService:
    return DisputeService(SqlDisputeStore(engine), clock=clock or StepClock(), sealer=sealer)
