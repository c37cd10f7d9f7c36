"""Mollie's own invoices to the organization (fees)."""

from __future__ import annotations

from ..core.models import Invoice
from .base import MollieClient
from .pagination import PageIterator


class InvoicesClient(MollieClient):
    prefers_organization_token = True

    def list_invoices(
        self, *, reference: str | None = None, year: int | None = None, max_items: int | None = None
    ) -> list[Invoice]:
        return self._list(
            Invoice, "/invoices", "invoices", {"reference": reference, "year": year}, max_items=max_items
        )

    def iter_invoices(
        self, *, reference: str | None = None, year: int | None = None, from_: str | None = None
    ) -> PageIterator[Invoice]:
        return self._iter(
            Invoice, "/invoices", "invoices", {"reference": reference, "year": year}, from_=from_
        )

    def get_invoice(self, invoice_id: str) -> Invoice:
        return self._get(Invoice, "/invoices/{id}", id=invoice_id)
