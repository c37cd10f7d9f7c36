"""Next-gen webhook subscriptions (`/v2/webhooks`): create, get, update, list, delete and ping.

Mollie signs the events of a subscription with its `webhookSecret`, which it returns only when the
subscription is created: store it then (the Frappe layer keeps it in `Mollie Webhook Subscription`).
These endpoints take an organization access token (Mollie's "advanced access token").
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.models.base import MollieObject
from ..core.models.fields import Json, Str, Timestamp
from .base import MollieClient, payload
from .pagination import PageIterator

ALL_EVENT_TYPES = "*"


class Webhook(MollieObject):
    __slots__ = ()
    url = Str("url", required=True)
    name = Str("name", required=True)
    event_types = Json("eventTypes", required=True)
    status = Str("status", required=True)
    mode = Str("mode", required=True)
    profile_id = Str("profileId", nullable=True, required=True)
    created_at = Timestamp("createdAt", required=True)
    webhook_secret = Str("webhookSecret", nullable=True)  # only in the answer to create


def _event_types(event_types: Sequence[str] | str) -> list[str] | str:
    return event_types if isinstance(event_types, str) else list(event_types)


class WebhooksClient(MollieClient):
    prefers_organization_token = True

    def create_webhook(self, *, name: str, url: str, event_types: Sequence[str] | str = ALL_EVENT_TYPES,
                       idempotency_key: str | None = None) -> Webhook:
        body = payload(name=name, url=url, event_types=_event_types(event_types))
        return self._write("POST", Webhook, "/webhooks", body, idempotency_key)

    def get_webhook(self, webhook_id: str) -> Webhook:
        return self._get(Webhook, "/webhooks/{id}", id=webhook_id)

    def update_webhook(self, webhook_id: str, *, name: str | None = None, url: str | None = None,
                       event_types: Sequence[str] | str | None = None) -> Webhook:
        body = payload(name=name, url=url,
                       event_types=None if event_types is None else _event_types(event_types))
        return self._write("PATCH", Webhook, "/webhooks/{id}", body, None, id=webhook_id)

    def list_webhooks(self, *, max_items: int | None = None) -> list[Webhook]:
        return self._list(Webhook, "/webhooks", "webhooks", max_items=max_items)

    def iter_webhooks(self, *, from_: str | None = None) -> PageIterator[Webhook]:
        return self._iter(Webhook, "/webhooks", "webhooks", from_=from_)

    def delete_webhook(self, webhook_id: str) -> None:
        self._write("DELETE", None, "/webhooks/{id}", None, None, id=webhook_id)

    def ping_webhook(self, webhook_id: str) -> None:
        """Ask Mollie to send a signed `webhook.ping` event to the subscription's URL."""
        self._write("POST", None, "/webhooks/{id}/ping", None, None, id=webhook_id)
