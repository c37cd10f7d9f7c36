"""Refunds: full or partial; a partial refund is exactly the write an Idempotency-Key protects."""

from __future__ import annotations

from typing import Any

from ..core.models import Amount, Refund
from .base import MollieClient, payload
from .pagination import PageIterator


class RefundsClient(MollieClient):
    def create_refund(
        self,
        payment_id: str,
        amount: Amount,
        *,
        description: str | None = None,
        metadata: Any = None,
        idempotency_key: str | None = None,
    ) -> Refund:
        body = payload(amount=amount, description=description, metadata=metadata)
        return self._write("POST", Refund, "/payments/{id}/refunds", body, idempotency_key, id=payment_id)

    def get_refund(self, payment_id: str, refund_id: str) -> Refund:
        return self._get(Refund, "/payments/{payment_id}/refunds/{id}", payment_id=payment_id, id=refund_id)

    def list_refunds(self, *, profile_id: str | None = None, max_items: int | None = None) -> list[Refund]:
        return self._list(Refund, "/refunds", "refunds", {"profileId": profile_id}, max_items=max_items)

    def iter_refunds(
        self, *, profile_id: str | None = None, from_: str | None = None
    ) -> PageIterator[Refund]:
        return self._iter(Refund, "/refunds", "refunds", {"profileId": profile_id}, from_=from_)

    def iter_payment_refunds(self, payment_id: str, *, from_: str | None = None) -> PageIterator[Refund]:
        return self._iter(Refund, "/payments/{id}/refunds", "refunds", from_=from_, id=payment_id)

    def cancel_refund(self, payment_id: str, refund_id: str, *, idempotency_key: str | None = None) -> None:
        self._write(
            "DELETE",
            None,
            "/payments/{payment_id}/refunds/{id}",
            None,
            idempotency_key,
            payment_id=payment_id,
            id=refund_id,
        )
