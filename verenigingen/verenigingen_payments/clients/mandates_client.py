"""Mandates: a member's authorization for SEPA direct debit (or card/PayPal) recurring charges."""

from __future__ import annotations

from datetime import date

from ..core.models import Mandate
from .base import MollieClient, payload
from .pagination import PageIterator


class MandatesClient(MollieClient):
    def create_mandate(
        self,
        customer_id: str,
        *,
        method: str,
        consumer_name: str,
        consumer_account: str | None = None,
        consumer_bic: str | None = None,
        signature_date: date | None = None,
        mandate_reference: str | None = None,
        idempotency_key: str | None = None,
    ) -> Mandate:
        body = payload(
            method=method,
            consumer_name=consumer_name,
            consumer_account=consumer_account,
            consumer_bic=consumer_bic,
            signature_date=signature_date,
            mandate_reference=mandate_reference,
        )
        return self._write("POST", Mandate, "/customers/{id}/mandates", body, idempotency_key, id=customer_id)

    def get_mandate(self, customer_id: str, mandate_id: str) -> Mandate:
        return self._get(
            Mandate, "/customers/{customer_id}/mandates/{id}", customer_id=customer_id, id=mandate_id
        )

    def list_mandates(self, customer_id: str, *, max_items: int | None = None) -> list[Mandate]:
        return self._list(
            Mandate, "/customers/{id}/mandates", "mandates", max_items=max_items, id=customer_id
        )

    def iter_mandates(self, customer_id: str, *, from_: str | None = None) -> PageIterator[Mandate]:
        return self._iter(Mandate, "/customers/{id}/mandates", "mandates", from_=from_, id=customer_id)

    def revoke_mandate(
        self, customer_id: str, mandate_id: str, *, idempotency_key: str | None = None
    ) -> None:
        self._write(
            "DELETE",
            None,
            "/customers/{customer_id}/mandates/{id}",
            None,
            idempotency_key,
            customer_id=customer_id,
            id=mandate_id,
        )
