"""Disputes: the association's own follow-up of chargebacks (mostly SEPA reversals by members).

One `DisputeCase` per chargeback (`DisputeService.open_case_for_chargeback`, idempotent and
concurrency-safe), found by webhook (`ChargebackCaseHandler`), the daily sync (`ChargebackSync`)
or a settlement; statuses open → investigating → awaiting-member → recovered / written-off /
reversed; evidence sealed at rest; recovery by a one-off payment request (`RecoveryService`);
plain-language SEPA reason codes (`explain_reason`); `compute_dispute_metrics`.
"""

from .evidence import DisputeEvidence, EvidenceSealer
from .metrics import DisputeMetrics, compute_dispute_metrics
from .model import (
    ACTIVE_STATUSES, AWAITING_MEMBER, CLOSED_STATUSES, INVESTIGATING, OPEN, RECOVERED, REVERSED, STATUSES, TRANSITIONS,
    WRITTEN_OFF, ConcurrentUpdate, DisputeCase, DisputeError, DisputeNotFound, DisputePermissionError,
    InvalidTransition,
)
from .reason_codes import REASON_CODES, ReasonInfo, explain_reason
from .service import MANAGER_ROLES, SYSTEM, VIEWER_ROLES, Actor, DisputeService
from .store import DisputeStore

__all__ = [
    "ACTIVE_STATUSES", "AWAITING_MEMBER", "CLOSED_STATUSES", "INVESTIGATING", "MANAGER_ROLES", "OPEN", "RECOVERED",
    "REASON_CODES", "REVERSED", "STATUSES", "SYSTEM", "TRANSITIONS", "VIEWER_ROLES", "WRITTEN_OFF", "Actor",
    "ConcurrentUpdate", "DisputeCase", "DisputeError", "DisputeEvidence", "DisputeMetrics", "DisputeNotFound",
    "DisputePermissionError", "DisputeService", "DisputeStore", "EvidenceSealer", "InvalidTransition", "ReasonInfo",
    "compute_dispute_metrics", "explain_reason",
]
