"""RetryBudget: a floor of retries per window plus a ratio of the traffic, then no more."""

from __future__ import annotations

from verenigingen.verenigingen_payments.core.resilience import RetryBudget


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_budget_allows_floor_plus_ratio_then_refuses_until_the_window_rolls():
    clock = FakeClock()
    budget = RetryBudget(ratio=0.5, min_retries=2, window_seconds=10, clock=clock)
    for _ in range(4):
        budget.record_request()
    assert [budget.try_spend() for _ in range(5)] == [True, True, True, True, False]
    clock.now = 10.0
    assert budget.try_spend() is True
