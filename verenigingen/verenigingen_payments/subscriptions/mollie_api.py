"""The Mollie calls this package makes, on the shared typed clients, with Idempotency-Keys derived
from business keys (account, member, term, period, what) so a retried or doubled request is
replayed by Mollie instead of creating a second customer, mandate, subscription or charge.

`SubscriptionPaymentsClient` adds the one listing the shared SubscriptionsClient lacks:
GET /customers/{customerId}/subscriptions/{subscriptionId}/payments.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from ..clients import CustomersClient, MandatesClient, MollieConfig, PaymentsClient, SubscriptionsClient
from ..clients.pagination import PageIterator
from ..core.errors import IdempotencyError
from ..core.models import Payment

T = TypeVar("T")


def idempotency_key(account: str, member_reference: str, *parts: object) -> str:
    """Deterministic per business fact; hashed so member references never reach Mollie's logs."""
    text = "\x1f".join(str(p) for p in (account, member_reference, *parts))
    return "vsub-" + hashlib.sha256(text.encode()).hexdigest()[:40]


class SubscriptionPaymentsClient(SubscriptionsClient):
    def iter_subscription_payments(self, customer_id: str, subscription_id: str,
                                   *, from_: str | None = None) -> PageIterator[Payment]:
        return self._iter(Payment, "/customers/{customer_id}/subscriptions/{id}/payments", "payments",
                          from_=from_, customer_id=customer_id, id=subscription_id)


@dataclass(frozen=True)
class MollieSubscriptionApi:
    customers: CustomersClient
    mandates: MandatesClient
    subscriptions: SubscriptionPaymentsClient
    payments: PaymentsClient

    @classmethod
    def for_config(cls, config: str | MollieConfig) -> MollieSubscriptionApi:
        return cls(CustomersClient(config), MandatesClient(config), SubscriptionPaymentsClient(config),
                   PaymentsClient(config))


def replaying(call: Callable[[], T], *, attempts: int = 5, sleep: Callable[[float], None] = time.sleep) -> T:
    """A 409 means the same key's first request is still running: wait and get its replay."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except IdempotencyError:
            if attempt == attempts:
                raise
            sleep(0.1 * attempt)
    raise AssertionError("unreachable")
