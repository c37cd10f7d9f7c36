"""A SubscriptionService on the emulator whose clock the test moves (the service reads the
emulator's clock, so Amsterdam days are the emulator's days)."""

from __future__ import annotations

from datetime import datetime

import pytest

from verenigingen.verenigingen_payments.clients import MollieConfig
from verenigingen.verenigingen_payments.subscriptions import SubscriptionService


class Dunning:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, record, reason, reason_key) -> None:
        self.calls.append((record.member_reference, reason, reason_key))


def config_for(emu, account="small") -> MollieConfig:
    return MollieConfig(api_key=emu.api_key, base_url=emu.base_url, account=account, retry_max_attempts=2,
                        retry_backoff_base=0.01, rate_limit_requests_per_second=1000)


@pytest.fixture
def make_service(emulator, tmp_path):
    def make(store_url=None, **options):
        clock = options.pop("clock", lambda: datetime.fromisoformat(emulator.control.now()))
        return SubscriptionService.for_account(
            config_for(emulator), store_url=store_url or f"sqlite:///{tmp_path / 'store.sqlite3'}",
            clock=clock, sleep=lambda s: None, **options)

    return make


@pytest.fixture
def dunning():
    return Dunning()
