"""Opening and working dispute cases: one case per chargeback whichever path finds it first
(webhook, the daily `/v2/chargebacks` sync, a settlement's chargeback list), status changes by
finance managers, assignment, evidence, and Mollie's reversal closing a case as `reversed`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

from ..core.models import Chargeback, Payment
from .evidence import CONTACT, FILE, NOTE, DisputeEvidence, EvidenceSealer
from .model import (
    REVERSED,
    TRANSITIONS,
    DisputeCase,
    DisputeNotFound,
    DisputePermissionError,
    case_id_for,
    deadline_for,
    score_priority,
)
from .store import DisputeStore

#: The Frappe roles (see frappe_integration/common/roles.py) that may work disputes.
MANAGER_ROLES = frozenset({"Mollie Finance Manager", "System Manager"})
VIEWER_ROLES = MANAGER_ROLES | {"Mollie Finance Viewer"}


@dataclass(frozen=True)
class Actor:
    name: str
    roles: frozenset[str] = frozenset()

    @property
    def can_manage(self) -> bool:
        return bool(self.roles & MANAGER_ROLES)


SYSTEM = Actor("system", frozenset({"System Manager"}))


def _chargeback(value: Chargeback | Mapping[str, Any]) -> Chargeback:
    return value if isinstance(value, Chargeback) else Chargeback(dict(value)).validate()


class DisputeService:
    def __init__(self, store: DisputeStore, *, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 sealer: EvidenceSealer | None = None) -> None:
        self.store = store
        self._clock = clock
        self._sealer = sealer or EvidenceSealer(None)

    # -- discovery ----------------------------------------------------------------------------------
    def open_case_for_chargeback(self, account: str, chargeback: Chargeback | Mapping[str, Any], *,
                                 payment: Payment | None = None, member_reference: str | None = None
                                 ) -> tuple[DisputeCase, bool]:
        """The case of this chargeback, created on first sight; (case, created?). Safe to call any
        number of times and concurrently. A `reversedAt` from Mollie closes the case as reversed."""
        cb = _chargeback(chargeback)
        existing = self.store.find_by_chargeback(account, cb.id)
        if existing is None:
            existing, created = self.store.create_if_absent(self._new_case(account, cb, payment, member_reference))
        else:
            created = False
        return self._apply_mollie_state(existing, cb), created

    def _new_case(self, account: str, cb: Chargeback, payment: Payment | None, member_reference: str | None
                  ) -> DisputeCase:
        now = self._clock()
        reason = cb.reason or {}
        code = str(reason.get("code") or "")
        customer_id = payment.customer_id if payment is not None else None
        if member_reference is None and payment is not None and isinstance(payment.metadata, dict):
            member_reference = payment.metadata.get("memberNumber") or payment.metadata.get("member")
        repeats = self.store.count_for_member(account, customer_id, excluding_chargeback=cb.id) if customer_id else 0
        priority, score = score_priority(cb.amount, code, repeats)
        return DisputeCase(
            case_id=case_id_for(account, cb.id), account=account, chargeback_id=cb.id, payment_id=cb.payment_id,
            amount=cb.amount, settlement_amount=cb.settlement_amount, settlement_id=cb.settlement_id,
            reason_code=code, reason_description=str(reason.get("description") or ""),
            chargeback_created_at=cb.created_at, opened_at=now, updated_at=now,
            priority=priority, priority_score=score, deadline=deadline_for(priority, now),
            method=str(payment.method.value) if payment is not None and payment.method else None,
            customer_id=customer_id, member_reference=str(member_reference) if member_reference else None,
            repeat_offences=repeats, reversed_at=cb.reversed_at,
            history=((now.isoformat(), SYSTEM.name, "", "open"),),
        )

    def _apply_mollie_state(self, case: DisputeCase, cb: Chargeback) -> DisputeCase:
        updated = case
        if cb.settlement_id and case.settlement_id != cb.settlement_id:
            updated = replace(updated, settlement_id=cb.settlement_id, settlement_amount=cb.settlement_amount)
        if cb.reversed_at is not None and case.status != REVERSED:
            updated = replace(updated, reversed_at=cb.reversed_at)
            if REVERSED in TRANSITIONS[case.status]:
                updated = updated.transitioned(REVERSED, SYSTEM.name, self._clock(),
                                               resolution=case.resolution or "Reversed by Mollie")
        return updated if updated == case else self.store.save(updated)

    # -- staff actions ------------------------------------------------------------------------------
    def get(self, case_id: str) -> DisputeCase:
        case = self.store.get(case_id)
        if case is None:
            raise DisputeNotFound(f"no dispute case {case_id}")
        return case

    def require_manager(self, actor: Actor, what: str) -> None:
        if not actor.can_manage:
            raise DisputePermissionError(f"{actor.name} may not {what}: needs one of {sorted(MANAGER_ROLES)}")

    def transition(self, case_id: str, target: str, actor: Actor, *, resolution: str | None = None,
                   note: str | None = None) -> DisputeCase:
        self.require_manager(actor, f"set a dispute to {target}")
        case = self.get(case_id).transitioned(target, actor.name, self._clock(), resolution=resolution)
        if note is not None:
            case = replace(case, note=note)
        return self.store.save(case)

    def assign(self, case_id: str, assignee: str | None, actor: Actor) -> DisputeCase:
        self.require_manager(actor, "assign disputes")
        return self.store.save(replace(self.get(case_id), assignee=assignee, updated_at=self._clock()))

    def add_evidence(self, case_id: str, actor: Actor, *, kind: str = NOTE, summary: str, body: str | None = None,
                     contact_channel: str | None = None, file_url: str | None = None) -> DisputeEvidence:
        self.require_manager(actor, "add dispute evidence")
        self.get(case_id)
        evidence = DisputeEvidence(f"DE-{uuid.uuid4().hex[:16]}", case_id, kind, self._clock(), actor.name,
                                   summary, body, contact_channel, file_url)
        self.store.add_evidence(self._sealer.seal(evidence))
        return evidence

    def log_contact(self, case_id: str, actor: Actor, channel: str, summary: str, body: str | None = None
                    ) -> DisputeEvidence:
        return self.add_evidence(case_id, actor, kind=CONTACT, summary=summary, body=body, contact_channel=channel)

    def attach_file(self, case_id: str, actor: Actor, file_url: str, summary: str) -> DisputeEvidence:
        return self.add_evidence(case_id, actor, kind=FILE, summary=summary, file_url=file_url)

    def evidence(self, case_id: str, actor: Actor) -> list[DisputeEvidence]:
        if not actor.roles & VIEWER_ROLES:
            raise DisputePermissionError(f"{actor.name} may not read dispute evidence")
        return [self._sealer.open(e) for e in self.store.list_evidence(case_id)]
