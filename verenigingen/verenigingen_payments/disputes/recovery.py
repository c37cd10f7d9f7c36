"""Recovery: a one-off payment request for the charged-back amount, and closing the case when paid.

The Idempotency-Key is derived from the case and the attempt number, and the attempt is saved on
the case BEFORE the request: a crash or a timeout after Mollie created the payment makes the retry
send the same key, so Mollie answers with the same payment instead of charging the member twice.
A failed, expired or canceled request allows a new attempt (a new key).
"""

from __future__ import annotations

from dataclasses import replace

from ..clients import PaymentsClient
from ..core.models import Amount, Payment
from .model import (
    ACTIVE_STATUSES, AWAITING_MEMBER, CLOSED_STATUSES, RECOVERED, TRANSITIONS, WRITTEN_OFF, DisputeCase, DisputeError,
)
from .service import SYSTEM, Actor, DisputeService

REQUESTING = "requesting"
RETRYABLE = frozenset({"failed", "expired", "canceled"})


def recovery_idempotency_key(case: DisputeCase, attempt: int) -> str:
    return f"dispute-recovery:{case.case_id}:{case.chargeback_id}:{attempt}"


class RecoveryService:
    def __init__(self, service: DisputeService, settings) -> None:
        self._service = service
        self._payments = PaymentsClient(settings)

    def request_payment(self, case_id: str, actor: Actor, *, redirect_url: str, webhook_url: str | None = None,
                        description: str | None = None, method: str | None = None) -> tuple[DisputeCase, Payment]:
        """Create (or re-create after a crash, same key) the member's one-off payment request."""
        self._service.require_manager(actor, "request a recovery payment")
        case = self._service.get(case_id)
        if case.status in CLOSED_STATUSES and case.status != WRITTEN_OFF:
            raise DisputeError(f"dispute case {case_id} is {case.status}; nothing to recover")
        if case.recovery_payment_id and case.recovery_status not in RETRYABLE:
            raise DisputeError(f"dispute case {case_id} already has recovery payment {case.recovery_payment_id} "
                               f"({case.recovery_status})")
        if case.recovery_status != REQUESTING:
            case = self._service.store.save(replace(case, recovery_attempt=case.recovery_attempt + 1,
                                                    recovery_status=REQUESTING, recovery_payment_id=None))
        payment = self._payments.create_payment(
            amount=abs_amount(case), description=description or f"Contributie (terugboeking {case.case_id})",
            redirect_url=redirect_url, webhook_url=webhook_url, method=method, customer_id=case.customer_id,
            sequence_type="oneoff", metadata={"disputeCase": case.case_id, "chargebackId": case.chargeback_id},
            idempotency_key=recovery_idempotency_key(case, case.recovery_attempt),
        )
        case = replace(case, recovery_payment_id=payment.id, recovery_status=str(payment.status.value))
        if case.status in ACTIVE_STATUSES and case.status != AWAITING_MEMBER:
            case = case.transitioned(AWAITING_MEMBER, actor.name, case.updated_at)
        return self._service.store.save(case), payment

    def refresh(self, case_id: str) -> DisputeCase:
        """Follow the recovery payment; a paid one closes the case as recovered."""
        case = self._service.get(case_id)
        if not case.recovery_payment_id or case.status == RECOVERED:
            return case
        payment = self._payments.get_payment(case.recovery_payment_id)
        return self.apply_payment(case, payment)

    def apply_payment(self, case: DisputeCase, payment: Payment) -> DisputeCase:
        status = str(payment.status.value)
        updated = replace(case, recovery_status=status)
        if status == "paid" and RECOVERED in TRANSITIONS[case.status]:
            updated = updated.transitioned(RECOVERED, SYSTEM.name, payment.paid_at or case.updated_at,
                                           resolution=case.resolution or f"Paid by the member ({payment.id})")
        return case if updated == case else self._service.store.save(updated)

    def refresh_all(self, account: str) -> list[DisputeCase]:
        return [self.refresh(c.case_id) for c in self._service.store.list_cases(account, statuses=(*ACTIVE_STATUSES, WRITTEN_OFF))
                if c.recovery_payment_id]


def abs_amount(case: DisputeCase) -> Amount:
    return Amount(abs(case.amount.value), case.amount.currency)
