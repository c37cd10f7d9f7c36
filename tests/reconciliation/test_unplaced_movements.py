"""The unplaced payment movements a balance scan keeps (outside Python's heap)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.workflows.reconciliation.pending_funds import UnplacedMovements

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)


def eur(value: str) -> Amount:
    return Amount(Decimal(value), "EUR")


def test_the_first_movement_of_a_payment_counts_with_its_exact_amount():
    movements = UnplacedMovements()
    movements.add("tr_1", "baltr_1", T0, eur("19.7000"))
    movements.add("tr_1", "baltr_2", T0 + timedelta(days=1), eur("5.00"))
    assert movements.get("tr_1") == ("baltr_1", eur("19.7000"))
    assert str(movements.get("tr_1")[1].value) == "19.7000"
    assert movements.get("tr_other") is None and len(movements) == 1


def test_recent_credits_are_those_in_the_span_not_taken_back_before_its_end():
    movements = UnplacedMovements()
    amsterdam = timezone(timedelta(hours=1))
    movements.add("tr_before", "baltr_0", T0 - timedelta(microseconds=1), eur("1.00"))
    movements.add("tr_at_start", "baltr_1", T0.astimezone(amsterdam), eur("2.00"))
    movements.add("tr_failed", "baltr_2", T0 + timedelta(hours=1), eur("3.00"))
    movements.add("tr_failed_late", "baltr_3", T0 + timedelta(hours=2), eur("4.00"))
    movements.add("tr_excluded", "baltr_4", T0 + timedelta(hours=3), eur("5.00"))
    movements.add("tr_at_end", "baltr_5", T0 + timedelta(days=1), eur("6.00"))
    movements.fail("tr_failed", T0 + timedelta(hours=5))
    movements.fail("tr_failed_late", T0 + timedelta(days=1))
    assert movements.recent(T0, T0 + timedelta(days=1), {"tr_excluded"}) == [
        ("tr_at_start", eur("2.00")), ("tr_failed_late", eur("4.00"))]


def test_forgotten_payments_leave_and_paging_their_ids_sees_each_once():
    movements = UnplacedMovements()
    for i in range(1203):
        movements.add(f"tr_{i:05d}", f"baltr_{i}", T0 + timedelta(minutes=i), eur("1.00"), "cpt_1" if i == 7 else None)
    seen = []
    for chunk in movements.payment_ids(chunk=500):
        seen += chunk
        movements.forget(pid for pid in chunk if int(pid[3:]) % 2)
    assert seen == [f"tr_{i:05d}" for i in range(1203)]
    assert len(movements) == 602
    assert dict(movements.captures) == {"tr_00007": "cpt_1"}  # a capture is kept when its movement is forgotten
    assert "tr_00008" not in movements.captures
