"""Captures: collecting an authorized payment (created with `capture_mode="manual"`), fully or partly."""

from __future__ import annotations

from typing import Any

from ..core.models import Amount, Capture
from .base import MollieClient, payload
from .pagination import PageIterator

_ONE = "/payments/{payment_id}/captures/{id}"
_ALL = "/payments/{id}/captures"


class CapturesClient(MollieClient):
    def create_capture(
        self,
        payment_id: str,
        *,
        amount: Amount | None = None,
        description: str | None = None,
        metadata: Any = None,
        idempotency_key: str | None = None,
    ) -> Capture:
        """Without `amount` Mollie captures the whole authorized amount."""
        body = payload(amount=amount, description=description, metadata=metadata)
        return self._write("POST", Capture, _ALL, body, idempotency_key, id=payment_id)

    def get_capture(self, payment_id: str, capture_id: str) -> Capture:
        return self._get(Capture, _ONE, payment_id=payment_id, id=capture_id)

    def list_captures(self, payment_id: str, *, max_items: int | None = None) -> list[Capture]:
        return self._list(Capture, _ALL, "captures", max_items=max_items, id=payment_id)

    def iter_captures(self, payment_id: str, *, from_: str | None = None) -> PageIterator[Capture]:
        return self._iter(Capture, _ALL, "captures", from_=from_, id=payment_id)
