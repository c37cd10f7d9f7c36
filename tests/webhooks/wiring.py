"""Builds the whole webhook pipeline against the emulator for a test: store, clients, Redis lock,
handlers, in-process workers, the WSGI app on a real port."""

from __future__ import annotations

import time
from contextlib import ExitStack
from dataclasses import dataclass, field

import requests

from verenigingen.verenigingen_payments.clients.payments_client import PaymentsClient
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.webhooks import (
    HandlerRegistry,
    WebhookApp,
    WebhookRuntime,
    WebhookSecrets,
    build_runtime,
)
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks

from .conftest import CLASSIC_SECRET, SIGNING_SECRET, RecordingHandler, emulator_config, serving


class MutableSecrets:
    """A secrets source whose answer a test can change (rotation)."""

    def __init__(self, secrets: WebhookSecrets) -> None:
        self.secrets = secrets

    def __call__(self) -> WebhookSecrets:
        return self.secrets


DEFAULT_SECRETS = WebhookSecrets(classic={"Production": [CLASSIC_SECRET]}, signing={"Production": [SIGNING_SECRET]})


@dataclass
class Wired:
    runtime: WebhookRuntime
    recorder: RecordingHandler
    url: str
    emulator: object
    secrets: MutableSecrets
    gave_up: list = field(default_factory=list)

    @property
    def classic_url(self) -> str:
        return f"{self.url}?secret={CLASSIC_SECRET}"

    def payments(self) -> PaymentsClient:
        return PaymentsClient(emulator_config(self.emulator))

    def open_payment(self, value: str = "25.00") -> str:
        payment = self.payments().create_payment(Amount.of(value, "EUR"), "Contributie 2026",
                                                 redirect_url="https://example.org/thanks", webhook_url=self.classic_url)
        return payment.id

    def paid_payment(self) -> str:
        payment_id = self.open_payment()
        self.emulator.control.trigger("payment.paid", payment_id)
        self.settle()
        return payment_id

    def settle(self, timeout: float = 20.0) -> None:
        """Wait until the emulator delivered everything and every queued row was processed."""
        assert self.emulator.control.wait_for_webhooks(timeout=timeout)
        self.drain(timeout)

    def drain(self, timeout: float = 20.0) -> None:
        """Wait until every queued row was processed."""
        deadline = time.monotonic() + timeout
        while self.runtime.queue.pending() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.runtime.queue.pending() == 0

    def post_classic(self, resource_id: str, session: requests.Session | None = None) -> requests.Response:
        return (session or requests).post(self.classic_url, data={"id": resource_id}, timeout=20)

    def statuses(self, resource_id: str) -> list[str]:
        return sorted(r.status.value for r in self.runtime.store.find(resource_id=resource_id))


def wire(
    stack: ExitStack, emulator, store, redis_url: str, redis_prefix: str, *, registry: HandlerRegistry | None = None,
    **runtime_kwargs,
) -> Wired:
    recorder = RecordingHandler()
    if registry is None:
        registry = HandlerRegistry()
        registry.register("*", recorder)
    secrets = MutableSecrets(runtime_kwargs.pop("secrets", DEFAULT_SECRETS))
    gave_up: list = []
    runtime = build_runtime(
        store=store,
        fetcher=ClientsResourceFetcher(lambda account: emulator_config(emulator)),
        secrets=secrets,
        locks=RedisResourceLocks.from_url(redis_url, prefix=redis_prefix + "lock:", blocking_timeout=20),
        registry=registry,
        on_gave_up=lambda record, error: gave_up.append((record.id, error)),
        **runtime_kwargs,
    )
    stack.callback(runtime.close)
    url = stack.enter_context(serving(WebhookApp(runtime.ingest)))
    return Wired(runtime, recorder, url, emulator, secrets, gave_up)
