"""Subscriptions: recurring membership dues on a customer's mandate."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..core.models import Amount, Subscription
from .base import MollieClient, payload
from .pagination import PageIterator

_ONE = "/customers/{customer_id}/subscriptions/{id}"


class SubscriptionsClient(MollieClient):
    def create_subscription(
        self,
        customer_id: str,
        amount: Amount,
        interval: str,
        description: str,
        *,
        times: int | None = None,
        start_date: date | None = None,
        method: str | None = None,
        mandate_id: str | None = None,
        webhook_url: str | None = None,
        metadata: Any = None,
        idempotency_key: str | None = None,
    ) -> Subscription:
        """Creating one twice charges twice: derive `idempotency_key` from the membership when re-running."""
        body = payload(
            amount=amount,
            interval=interval,
            description=description,
            times=times,
            start_date=start_date,
            method=method,
            mandate_id=mandate_id,
            webhook_url=webhook_url,
            metadata=metadata,
        )
        return self._write(
            "POST", Subscription, "/customers/{id}/subscriptions", body, idempotency_key, id=customer_id
        )

    def get_subscription(self, customer_id: str, subscription_id: str) -> Subscription:
        return self._get(Subscription, _ONE, customer_id=customer_id, id=subscription_id)

    def list_subscriptions(self, customer_id: str, *, max_items: int | None = None) -> list[Subscription]:
        return self._list(
            Subscription,
            "/customers/{id}/subscriptions",
            "subscriptions",
            max_items=max_items,
            id=customer_id,
        )

    def iter_subscriptions(self, customer_id: str, *, from_: str | None = None) -> PageIterator[Subscription]:
        return self._iter(
            Subscription, "/customers/{id}/subscriptions", "subscriptions", from_=from_, id=customer_id
        )

    def iter_all_subscriptions(
        self, *, profile_id: str | None = None, from_: str | None = None
    ) -> PageIterator[Subscription]:
        return self._iter(
            Subscription, "/subscriptions", "subscriptions", {"profileId": profile_id}, from_=from_
        )

    def update_subscription(
        self, customer_id: str, subscription_id: str, *, idempotency_key: str | None = None, **fields: Any
    ) -> Subscription:
        return self._write(
            "PATCH",
            Subscription,
            _ONE,
            payload(**fields),
            idempotency_key,
            customer_id=customer_id,
            id=subscription_id,
        )

    def cancel_subscription(
        self, customer_id: str, subscription_id: str, *, idempotency_key: str | None = None
    ) -> Subscription:
        return self._write(
            "DELETE", Subscription, _ONE, None, idempotency_key, customer_id=customer_id, id=subscription_id
        )
