"""One resilience pipeline for every Mollie call: retry policy and budget, shared breaker and limiter.

Public pieces: `RetryPolicy`, `RetryBudget`, `CallGuard`, `GuardSettings`, `ResiliencePipeline`, and
the listener hook (`PipelineListener`, `add_listener`) where metrics plug in.
"""

from .events import (
    BreakerStateChanged,
    LimiterWaited,
    ListenerRegistry,
    PipelineListener,
    RequestFinished,
    RetryScheduled,
    add_listener,
    remove_listener,
)
from .guard import Admission, CallGuard
from .guard_state import CLOSED, HALF_OPEN, OPEN, GuardSettings
from .pipeline import ResiliencePipeline
from .retry_budget import RetryBudget
from .retry_policy import RetryPolicy, parse_retry_after

__all__ = [
    "CLOSED",
    "HALF_OPEN",
    "OPEN",
    "Admission",
    "BreakerStateChanged",
    "CallGuard",
    "GuardSettings",
    "LimiterWaited",
    "ListenerRegistry",
    "PipelineListener",
    "RequestFinished",
    "ResiliencePipeline",
    "RetryBudget",
    "RetryPolicy",
    "RetryScheduled",
    "add_listener",
    "parse_retry_after",
    "remove_listener",
]
