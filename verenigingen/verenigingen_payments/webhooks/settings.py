"""Tunables of webhook ingestion, and where the valid secrets come from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from ..core.input_limits import MAX_BODY_BYTES, MAX_CLOCK_SKEW, MAX_EVENT_AGE
from .verification import WebhookSecrets

WEBHOOK_PATH = "/api/method/verenigingen.utils.payment_gateways.mollie_webhook"


@dataclass(frozen=True)
class WebhookSettings:
    # Defaults are the declared limits (core/input_limits.py); tests and benchmarks may narrow them.
    max_body_bytes: int = MAX_BODY_BYTES
    # How long the endpoint may process inline before answering `retry_queued` (Mollie waits 15 s).
    inline_budget_seconds: float = 2.0
    # Must exceed Mollie's 26-hour retry span, or Mollie's own late retries would be refused.
    event_max_age: timedelta = MAX_EVENT_AGE
    # How far ahead of this server's clock an event's createdAt may be (clock skew), not more.
    max_clock_skew: timedelta = MAX_CLOCK_SKEW
    lease: timedelta = timedelta(minutes=5)
    stale_after: timedelta = timedelta(minutes=2)
    unauthenticated_rate_limit: str = "30/minute"
    # The 503's Retry-After while the log cannot be written (Mollie keeps its own retry schedule).
    unavailable_retry_after_seconds: int = 60


SecretsSource = Callable[[], WebhookSecrets]
"""Called per request, so a rotated secret takes effect without a restart."""


@dataclass(frozen=True)
class StaticSecrets:
    secrets: WebhookSecrets = field(default_factory=WebhookSecrets)

    def __call__(self) -> WebhookSecrets:
        return self.secrets
