"""Chargebacks: disputed payments, across the organization or per payment."""

from __future__ import annotations

from ..core.models import Chargeback
from .base import MollieClient
from .pagination import PageIterator


class ChargebacksClient(MollieClient):
    def list_chargebacks(
        self, *, profile_id: str | None = None, max_items: int | None = None
    ) -> list[Chargeback]:
        return self._list(
            Chargeback, "/chargebacks", "chargebacks", {"profileId": profile_id}, max_items=max_items
        )

    def iter_chargebacks(
        self, *, profile_id: str | None = None, from_: str | None = None
    ) -> PageIterator[Chargeback]:
        return self._iter(Chargeback, "/chargebacks", "chargebacks", {"profileId": profile_id}, from_=from_)

    def iter_payment_chargebacks(
        self, payment_id: str, *, from_: str | None = None
    ) -> PageIterator[Chargeback]:
        return self._iter(Chargeback, "/payments/{id}/chargebacks", "chargebacks", from_=from_, id=payment_id)

    def get_chargeback(self, payment_id: str, chargeback_id: str) -> Chargeback:
        return self._get(
            Chargeback, "/payments/{payment_id}/chargebacks/{id}", payment_id=payment_id, id=chargeback_id
        )
