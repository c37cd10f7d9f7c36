"""Fetching a webhook's resource through the typed clients (never trusting the webhook body).

Refunds, chargebacks and subscriptions are addressed through their parent (payment or customer);
the parent id comes from the delivery, and the fetched resource's own id is checked afterwards.
A resource that cannot be addressed is not an error to retry: it is ignored with a note.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..clients.chargebacks_client import ChargebacksClient
from ..clients.payments_client import PaymentsClient
from ..clients.refunds_client import RefundsClient
from ..clients.settlements_client import SettlementsClient
from ..clients.subscriptions_client import SubscriptionsClient
from ..core.errors import MollieError


class UnaddressableResourceError(MollieError):
    """This resource type cannot be fetched (no client for it, or its parent id is unknown)."""


SettingsFor = Callable[[str | None], "str | MollieConfig"]


class ClientsResourceFetcher:
    """`ResourceFetcher` over the typed clients; one client per (account, kind), reused."""

    def __init__(self, settings_for: SettingsFor) -> None:
        self._settings_for = settings_for
        self._clients: dict[tuple[str | None, type], Any] = {}
        self._lock = threading.Lock()

    def fetch(
        self, account: str | None, resource_type: str, resource_id: str, parent_id: str | None
    ) -> Mapping[str, Any]:
        if resource_type == "payment":
            return self._client(account, PaymentsClient).get_payment(resource_id).raw
        if resource_type == "settlement":
            return self._client(account, SettlementsClient).get(resource_id).raw
        if resource_type in ("refund", "chargeback", "subscription") and not parent_id:
            raise UnaddressableResourceError(f"cannot fetch {resource_type} {resource_id} without its parent id")
        if resource_type == "refund":
            return self._client(account, RefundsClient).get_refund(parent_id, resource_id).raw
        if resource_type == "chargeback":
            return self._client(account, ChargebacksClient).get_chargeback(parent_id, resource_id).raw
        if resource_type == "subscription":
            return self._client(account, SubscriptionsClient).get_subscription(parent_id, resource_id).raw
        raise UnaddressableResourceError(f"no client fetches {resource_type} resources")

    def _client(self, account: str | None, kind: type):
        key = (account, kind)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = kind(self._settings_for(account))
            return client
