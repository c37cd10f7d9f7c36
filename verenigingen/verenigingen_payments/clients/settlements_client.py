"""Settlements: Mollie's pay-outs to the bank, and the payments, refunds, chargebacks, captures in them."""

from __future__ import annotations

from ..core.models import Capture, Chargeback, Payment, Refund, Settlement
from .base import MollieClient
from .pagination import PageIterator


class SettlementsClient(MollieClient):
    prefers_organization_token = True

    def list_settlements(
        self,
        *,
        balance_id: str | None = None,
        year: int | None = None,
        month: int | None = None,
        max_items: int | None = None,
    ) -> list[Settlement]:
        params = {"balanceId": balance_id, "year": year, "month": month}
        return self._list(Settlement, "/settlements", "settlements", params, max_items=max_items)

    def iter_settlements(
        self,
        *,
        balance_id: str | None = None,
        year: int | None = None,
        month: int | None = None,
        from_: str | None = None,
    ) -> PageIterator[Settlement]:
        params = {"balanceId": balance_id, "year": year, "month": month}
        return self._iter(Settlement, "/settlements", "settlements", params, from_=from_)

    def get(self, settlement_id: str) -> Settlement:
        return self._get(Settlement, "/settlements/{id}", id=settlement_id)

    get_settlement = get

    def get_open(self) -> Settlement:
        return self._get(Settlement, "/settlements/open")

    def get_next(self) -> Settlement:
        return self._get(Settlement, "/settlements/next")

    def iter_payments(self, settlement_id: str, *, from_: str | None = None) -> PageIterator[Payment]:
        return self._iter(Payment, "/settlements/{id}/payments", "payments", from_=from_, id=settlement_id)

    def iter_refunds(self, settlement_id: str, *, from_: str | None = None) -> PageIterator[Refund]:
        return self._iter(Refund, "/settlements/{id}/refunds", "refunds", from_=from_, id=settlement_id)

    def iter_chargebacks(self, settlement_id: str, *, from_: str | None = None) -> PageIterator[Chargeback]:
        return self._iter(
            Chargeback, "/settlements/{id}/chargebacks", "chargebacks", from_=from_, id=settlement_id
        )

    def iter_captures(self, settlement_id: str, *, from_: str | None = None) -> PageIterator[Capture]:
        return self._iter(Capture, "/settlements/{id}/captures", "captures", from_=from_, id=settlement_id)
