"""The webhook seam: a handler for chargeback effects that opens the case of the chargeback.

    registry.register("chargeback", ChargebackCaseHandler(service).on_chargeback)

It is idempotent by construction (one case per chargeback), as the handler contract asks.
"""

from __future__ import annotations

from typing import Any

from .service import DisputeService

DEFAULT_ACCOUNT = "default"


class ChargebackCaseHandler:
    def __init__(self, service: DisputeService, *, fetch_payment=None) -> None:
        """`fetch_payment(account, payment_id) -> Payment | None` fills member and method (optional)."""
        self._service = service
        self._fetch_payment = fetch_payment

    def on_chargeback(self, effect: Any) -> None:
        account = effect.account or DEFAULT_ACCOUNT
        resource = dict(effect.resource)
        payment = None
        if self._fetch_payment is not None and self._service.store.find_by_chargeback(account, resource["id"]) is None:
            payment = self._fetch_payment(account, resource.get("paymentId"))
        self._service.open_case_for_chargeback(account, resource, payment=payment)
