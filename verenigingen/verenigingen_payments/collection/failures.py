"""Failed dues collections as Mollie shows them: a failed recurring SEPA payment of a subscription (or of
one of our retries) with its `details.bankReasonCode`, or a chargeback on such a payment with its
`reason.code`. A payment is a dues payment when it belongs to a subscription or carries our retry
metadata; its member is the customer's `metadata.memberNumber`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from ..clients import ChargebacksClient, CustomersClient, MollieConfig, PaymentsClient
from ..core.calendar import amsterdam_day
from ..core.models import Amount, Payment
from .dunning import CHARGEBACK, FAILED_DEBIT
from .paydays import collection_period

RETRY_METADATA = "duesRetry"


@dataclass(frozen=True)
class Failure:
    member_reference: str
    period: str
    customer_id: str
    payment_id: str
    kind: str  # FAILED_DEBIT or CHARGEBACK
    reason_code: str
    amount: Amount
    failed_on: date
    subscription_id: str | None
    mandate_id: str | None
    retry_attempt: int  # 0: the subscription's own collection; n: our n-th retry failed


def dues_period(payment: Payment) -> tuple[str, int] | None:
    """(period, retry attempt) of a dues payment; None for anything else."""
    meta = payment.metadata if isinstance(payment.metadata, dict) else {}
    retry = meta.get(RETRY_METADATA)
    if isinstance(retry, dict) and isinstance(retry.get("period"), str):
        return retry["period"], int(retry.get("attempt", 0))
    if payment.subscription_id:
        return collection_period(payment.created_at), 0
    return None


class FailureFinder:
    def __init__(self, config: MollieConfig | str) -> None:
        self._payments = PaymentsClient(config)
        self._chargebacks = ChargebacksClient(config)
        self._customers = CustomersClient(config)
        self._members: dict[str, str] = {}

    def member_of(self, customer_id: str) -> str:
        if customer_id not in self._members:
            meta = self._customers.get_customer(customer_id).metadata
            number = meta.get("memberNumber") if isinstance(meta, dict) else None
            self._members[customer_id] = str(number) if number else customer_id
        return self._members[customer_id]

    def failures_since(self, since: datetime) -> Iterator[Failure]:
        """Failed dues debits created since `since` (newest first), then chargebacks created since then."""
        for payment in self._payments.iter_payments():
            if payment.created_at < since:
                break
            if payment.status.value == "failed" and payment.customer_id:
                failure = self._failure(payment, FAILED_DEBIT, (payment.details or {}).get("bankReasonCode"),
                                        payment.failed_at or payment.created_at)
                if failure is not None:
                    yield failure
        for chargeback in self._chargebacks.iter_chargebacks():
            if chargeback.created_at < since:
                break
            payment = self._payments.get_payment(chargeback.payment_id)
            if payment.customer_id:
                failure = self._failure(payment, CHARGEBACK, (chargeback.reason or {}).get("code"), chargeback.created_at)
                if failure is not None:
                    yield failure

    def _failure(self, payment: Payment, kind: str, code: str | None, at: datetime) -> Failure | None:
        dues = dues_period(payment)
        if dues is None:
            return None
        period, attempt = dues
        meta = payment.metadata if isinstance(payment.metadata, dict) else {}
        subscription_id = payment.subscription_id or (meta.get(RETRY_METADATA) or {}).get("subscriptionId")
        return Failure(self.member_of(payment.customer_id), period, payment.customer_id, payment.id, kind,
                       (code or "").upper(), payment.amount, amsterdam_day(at), subscription_id,
                       payment.mandate_id, attempt)
