"""Tunables of webhook ingestion, and where the valid secrets come from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from .verification import WebhookSecrets

WEBHOOK_PATH = "/api/method/verenigingen.utils.payment_gateways.mollie_webhook"


@dataclass(frozen=True)
class WebhookSettings:
    # Mollie's classic form is ~20 bytes and a next-gen event a few KB; anything larger is refused.
    max_body_bytes: int = 64 * 1024
    # How long the endpoint may process inline before answering `retry_queued` (Mollie waits 15 s).
    inline_budget_seconds: float = 2.0
    # Must exceed Mollie's 26-hour retry span, or Mollie's own late retries would be refused.
    event_max_age: timedelta = timedelta(hours=48)
    lease: timedelta = timedelta(minutes=5)
    stale_after: timedelta = timedelta(minutes=2)
    unauthenticated_rate_limit: str = "30/minute"


SecretsSource = Callable[[], WebhookSecrets]
"""Called per request, so a rotated secret takes effect without a restart."""


@dataclass(frozen=True)
class StaticSecrets:
    secrets: WebhookSecrets = field(default_factory=WebhookSecrets)

    def __call__(self) -> WebhookSecrets:
        return self.secrets
