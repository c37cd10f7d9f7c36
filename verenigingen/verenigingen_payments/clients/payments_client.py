"""Payments: create (e.g. a recurring dues charge), read, list, update and cancel; also a customer's."""

from __future__ import annotations

from typing import Any

from ..core.models import Amount, Payment
from .base import MollieClient, payload
from .pagination import PageIterator

_CUSTOMER_PAYMENTS = "/customers/{id}/payments"


class PaymentsClient(MollieClient):
    def create_payment(
        self,
        amount: Amount,
        description: str,
        *,
        redirect_url: str | None = None,
        webhook_url: str | None = None,
        method: str | None = None,
        customer_id: str | None = None,
        mandate_id: str | None = None,
        sequence_type: str | None = None,
        capture_mode: str | None = None,
        metadata: Any = None,
        profile_id: str | None = None,
        idempotency_key: str | None = None,
        **extra: Any,
    ) -> Payment:
        """Pass `idempotency_key` derived from a business key (e.g. the dues invoice) to make re-runs safe.

        `capture_mode="manual"` only authorizes the payment; `CapturesClient.create_capture` collects it.
        """
        body = self._payment_body(
            amount,
            description,
            redirect_url=redirect_url,
            webhook_url=webhook_url,
            method=method,
            customer_id=customer_id,
            mandate_id=mandate_id,
            sequence_type=sequence_type,
            capture_mode=capture_mode,
            metadata=metadata,
            profile_id=profile_id,
            **extra,
        )
        return self._write("POST", Payment, "/payments", body, idempotency_key)

    def create_customer_payment(
        self,
        customer_id: str,
        amount: Amount,
        description: str,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> Payment:
        """Mollie's Create customer payment: `create_payment` for this customer; same snake_case fields."""
        body = self._payment_body(amount, description, **fields)
        return self._write("POST", Payment, _CUSTOMER_PAYMENTS, body, idempotency_key, id=customer_id)

    def _payment_body(self, amount: Amount, description: str, **fields: Any) -> dict[str, Any]:
        fields["profile_id"] = fields.get("profile_id") or self.config.profile_id
        return payload(amount=amount, description=description, **fields)

    def get_payment(self, payment_id: str) -> Payment:
        return self._get(Payment, "/payments/{id}", id=payment_id)

    def list_payments(self, *, profile_id: str | None = None, max_items: int | None = None) -> list[Payment]:
        return self._list(Payment, "/payments", "payments", {"profileId": profile_id}, max_items=max_items)

    def iter_payments(
        self, *, profile_id: str | None = None, from_: str | None = None
    ) -> PageIterator[Payment]:
        return self._iter(Payment, "/payments", "payments", {"profileId": profile_id}, from_=from_)

    def list_customer_payments(self, customer_id: str, *, max_items: int | None = None) -> list[Payment]:
        return self._list(Payment, _CUSTOMER_PAYMENTS, "payments", max_items=max_items, id=customer_id)

    def iter_customer_payments(self, customer_id: str, *, from_: str | None = None) -> PageIterator[Payment]:
        return self._iter(Payment, _CUSTOMER_PAYMENTS, "payments", from_=from_, id=customer_id)

    def update_payment(
        self, payment_id: str, *, idempotency_key: str | None = None, **fields: Any
    ) -> Payment:
        """Fields as snake_case (description, redirect_url, webhook_url, metadata …)."""
        return self._write(
            "PATCH", Payment, "/payments/{id}", payload(**fields), idempotency_key, id=payment_id
        )

    def cancel_payment(self, payment_id: str, *, idempotency_key: str | None = None) -> Payment:
        return self._write("DELETE", Payment, "/payments/{id}", None, idempotency_key, id=payment_id)
