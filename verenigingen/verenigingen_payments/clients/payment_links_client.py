"""Payment links: create one for a member's open dues (a reminder's "pay now"), read it, follow its
payments, archive it once the period is settled otherwise."""

from __future__ import annotations

from datetime import datetime

from ..core.models import Amount, Payment
from ..core.models.payment_links import PaymentLink
from .base import MollieClient, payload
from .pagination import PageIterator


class PaymentLinksClient(MollieClient):
    def create_payment_link(
        self,
        description: str,
        *,
        amount: Amount | None = None,
        minimum_amount: Amount | None = None,
        redirect_url: str | None = None,
        webhook_url: str | None = None,
        expires_at: datetime | None = None,
        allowed_methods: list[str] | None = None,
        reusable: bool | None = None,
        sequence_type: str | None = None,
        customer_id: str | None = None,
        profile_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> PaymentLink:
        """`sequence_type="first"` with `customer_id`: paying the link also gives the member a new mandate."""
        body = payload(
            description=description,
            amount=amount,
            minimum_amount=minimum_amount,
            redirect_url=redirect_url,
            webhook_url=webhook_url,
            expires_at=expires_at.isoformat() if expires_at else None,
            allowed_methods=allowed_methods,
            reusable=reusable,
            sequence_type=sequence_type,
            customer_id=customer_id,
            profile_id=profile_id or self.config.profile_id,
        )
        return self._write("POST", PaymentLink, "/payment-links", body, idempotency_key)

    def get_payment_link(self, link_id: str) -> PaymentLink:
        return self._get(PaymentLink, "/payment-links/{id}", id=link_id)

    def iter_payment_links(self, *, from_: str | None = None) -> PageIterator[PaymentLink]:
        return self._iter(PaymentLink, "/payment-links", "payment_links", from_=from_)

    def update_payment_link(self, link_id: str, **fields) -> PaymentLink:
        """description, minimum_amount, archived, allowed_methods (snake_case)."""
        return self._write("PATCH", PaymentLink, "/payment-links/{id}", payload(**fields), None, id=link_id)

    def archive_payment_link(self, link_id: str) -> PaymentLink:
        return self.update_payment_link(link_id, archived=True)

    def delete_payment_link(self, link_id: str) -> None:
        self._write("DELETE", None, "/payment-links/{id}", {}, None, id=link_id)

    def iter_link_payments(self, link_id: str) -> PageIterator[Payment]:
        return self._iter(Payment, "/payment-links/{id}/payments", "payments", id=link_id)
