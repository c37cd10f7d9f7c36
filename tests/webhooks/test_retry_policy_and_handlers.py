"""Backoff arithmetic and handler registration (including the hooks.py form)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from verenigingen.verenigingen_payments.webhooks.handlers import HandlerRegistry, WebhookEffect
from verenigingen.verenigingen_payments.webhooks.retry_policy import RetryPolicy

CALLS: list[str] = []


def recording_handler(effect: WebhookEffect) -> None:  # referenced by dotted path below
    CALLS.append(effect.effect_key)


def _effect(resource_type="payment") -> WebhookEffect:
    return WebhookEffect(resource_type, "tr_x", "paid", f"{resource_type}:k", {}, None, None, "log1")


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(base_delay=timedelta(seconds=10), max_delay=timedelta(seconds=60), jitter=lambda: 0.0)
    assert [policy.delay(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


def test_jitter_adds_at_most_ten_percent():
    policy = RetryPolicy(base_delay=timedelta(seconds=10), jitter=lambda: 1.0)
    assert policy.delay(1) == timedelta(seconds=11)


def test_attempts_stop_at_the_limit():
    policy = RetryPolicy(max_attempts=3)
    assert [policy.should_retry(n) for n in (1, 2, 3)] == [True, True, False]


def test_handlers_run_for_their_type_and_the_wildcard():
    registry = HandlerRegistry()
    seen = []
    registry.register("payment", lambda e: seen.append(("payment", e.resource_id)))
    registry.register("*", lambda e: seen.append(("any", e.resource_id)))
    assert registry.dispatch(_effect()) == 2
    assert registry.dispatch(_effect("settlement")) == 1
    assert seen == [("payment", "tr_x"), ("any", "tr_x"), ("any", "tr_x")]


def test_hooks_register_handlers_by_dotted_path():
    registry = HandlerRegistry()
    registry.load_hooks({"refund": [f"{__name__}.recording_handler"]})
    CALLS.clear()
    registry.dispatch(_effect("refund"))
    assert CALLS == ["refund:k"]


def test_a_hook_that_is_not_a_dotted_path_is_refused():
    with pytest.raises(ValueError):
        HandlerRegistry().load_hooks({"payment": ["not_dotted"]})
