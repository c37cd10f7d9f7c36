"""Customers: one per paying member."""

from __future__ import annotations

from typing import Any

from ..core.models import Customer
from .base import MollieClient, payload
from .pagination import PageIterator


class CustomersClient(MollieClient):
    def create_customer(
        self,
        *,
        name: str | None = None,
        email: str | None = None,
        locale: str | None = None,
        metadata: Any = None,
        idempotency_key: str | None = None,
    ) -> Customer:
        body = payload(name=name, email=email, locale=locale, metadata=metadata)
        return self._write("POST", Customer, "/customers", body, idempotency_key)

    def get_customer(self, customer_id: str) -> Customer:
        return self._get(Customer, "/customers/{id}", id=customer_id)

    def list_customers(self, *, max_items: int | None = None) -> list[Customer]:
        return self._list(Customer, "/customers", "customers", max_items=max_items)

    def iter_customers(self, *, from_: str | None = None) -> PageIterator[Customer]:
        return self._iter(Customer, "/customers", "customers", from_=from_)

    def update_customer(
        self, customer_id: str, *, idempotency_key: str | None = None, **fields: Any
    ) -> Customer:
        return self._write(
            "PATCH", Customer, "/customers/{id}", payload(**fields), idempotency_key, id=customer_id
        )

    def delete_customer(self, customer_id: str, *, idempotency_key: str | None = None) -> None:
        self._write("DELETE", None, "/customers/{id}", None, idempotency_key, id=customer_id)
