"""Ordinary Mollie events over HTTP against the emulator keep the reconciliation quiet, on SQLite and
MariaDB: a reversed chargeback, a manually captured payment, a payment Mollie pays out a settlement
later than its window (pending, then a finding only once its due settlement closed without it,
then cleared when a later settlement holds it), and a period that reaches the present."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from verenigingen.verenigingen_payments.clients import CapturesClient, MollieConfig, PaymentsClient
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.store.reconciliation_runs import COMPLETED, OPEN, RESOLVED
from verenigingen.verenigingen_payments.workflows.reconciliation_engine import (
    Period, ReconciliationStores, reconcile_account,
)

MISSING = "payment_missing_from_settlement"
NEVER_RELEASED = "pending_funds_never_released"


def config_for(emu) -> MollieConfig:
    return MollieConfig(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                        account="flows", retry_max_attempts=1)


def emulator_now(emu) -> datetime:
    return datetime.fromisoformat(emu.control.info()["now"])


def reconcile(emu, stores, start: date, until: date):
    return reconcile_account(config_for(emu), stores, Period(start, until), clock=lambda: emulator_now(emu))


@pytest.fixture
def clean(emulator_factory):
    """association-small, a clean seed: the clock is 2025-03-28, settlement 5 (from 2025-03-16) is open."""
    return emulator_factory(seed=2, discrepancies=False)


@pytest.fixture
def stores(sql_store_url):
    return ReconciliationStores.sql(sql_store_url)


def paid_payment(emu, value: str = "40.00", **kwargs) -> str:
    payment = PaymentsClient(config_for(emu)).create_payment(
        Amount.of(value, "EUR"), "Contributie", redirect_url="https://example.org/thanks", **kwargs)
    return payment.id


def open_findings(stores, kind: str | None = None):
    return stores.runs.list_discrepancies("flows", status=OPEN, kind=kind)


def test_a_reversed_chargeback_is_a_term_of_its_settlement_not_a_mismatch(clean, stores):
    control = clean.control
    same = paid_payment(clean)
    control.trigger("payment.paid", same)
    chargeback = control.trigger("payment.chargeback", same, amount="25.00", reason="MD06")["chargeback"]
    control.trigger("chargeback.reverse", chargeback["id"])
    later = paid_payment(clean, "30.00")
    control.trigger("payment.paid", later)
    charged_back_later = control.trigger("payment.chargeback", later, amount="30.00", reason="AM04")["chargeback"]
    control.advance_clock(days=5)  # settlement 5 closes; settlement 6 is open
    control.trigger("chargeback.reverse", charged_back_later["id"])
    control.advance_clock(days=16)  # settlement 6 closes with the second reversal in it

    run = reconcile(clean, stores, date(2025, 3, 17), date(2025, 4, 17))
    assert run.status == COMPLETED
    assert [f.kind for f in open_findings(stores)] == []
    closed = [s for s in run.totals["settlements"] if not s.get("pending")]
    assert len(closed) == 2 and all(s["adds_up"] for s in closed)
    assert [s["reversals"] for s in closed] == ["25.00", "30.00"]


def test_a_manually_captured_payment_is_settled_through_its_capture_line(clean, stores):
    config = config_for(clean)
    payment_id = paid_payment(clean, "50.00", capture_mode="manual")
    clean.control.trigger("payment.authorized", payment_id)
    CapturesClient(config).create_capture(payment_id, amount=Amount.of("35.00", "EUR"))
    clean.control.advance_clock(days=5)

    run = reconcile(clean, stores, date(2025, 3, 17), date(2025, 4, 2))
    assert run.status == COMPLETED and open_findings(stores) == []
    stored = stores.ledger.get_payments("flows", [payment_id])[payment_id]
    [summary] = [s for s in run.totals["settlements"] if s["status"] != "open"]
    assert stored.settled_in == summary["id"] and summary["capture_count"] == 1
    assert stored.amount_captured == Amount(Decimal("35.00"), "EUR")


def _settle_later(emu, payment_id: str, settlements_later: int) -> None:
    """What a hold time does at Mollie: the payment's funds stay pending until a later settlement's
    window and are paid out there, not by the one whose window holds its payment time (test
    fixture: holds its balance transaction and moves its settlement line)."""
    from verenigingen.verenigingen_payments.sandbox.store import TX_KINDS

    world = emu.app.world
    with world.lock:
        row = world.payments.find(payment_id)
        held_by = world.settlements[world.payments["settlement"][row]]
        later = world.settlements[held_by.index + settlements_later]
        tx = world.tables["transactions"]
        [booked] = [t for t in range(tx.n) if tx["ref"][t] == row and TX_KINDS[tx["kind"][t]] == "payment"]
        tx["available"][booked] = later.start + 3600
        held_by.payments.remove(row)
        later.payments.append(row)
        world.payments["settlement"][row] = later.index
        held_by.touch()
        later.touch()


def test_paid_but_not_yet_in_a_closed_settlement_is_pending_then_a_finding_then_cleared(clean, stores):
    late = paid_payment(clean)
    clean.control.trigger("payment.paid", late)  # 2025-03-28: late in settlement 5's window
    _settle_later(clean, late, 2)  # Mollie pays it out two settlements later, after its hold allows
    clean.control.advance_clock(days=5)

    first = reconcile(clean, stores, date(2025, 3, 17), date(2025, 4, 3))
    assert open_findings(stores) == []
    assert first.totals["pending_payments"]["count"] >= 1

    clean.control.advance_clock(days=15)  # settlement 6, the one that should hold it, closes without it
    reconcile(clean, stores, date(2025, 4, 2), date(2025, 4, 17))
    [overdue] = open_findings(stores)  # its funds are still pending, long after its hold
    assert (overdue.kind, overdue.ids[0]) == (NEVER_RELEASED, late)
    assert overdue.evidence["closed_without_it"] != first.totals["settlements"][0]["id"]

    clean.control.advance_clock(days=15)  # settlement 7 holds it; this run covers another period
    reconcile(clean, stores, date(2025, 4, 17), date(2025, 5, 2))
    assert open_findings(stores) == []
    [cleared] = stores.runs.list_discrepancies("flows", kind=NEVER_RELEASED)
    assert cleared.status == RESOLVED and cleared.resolved_by == "reconciliation"


def test_a_period_reaching_the_present_holds_the_open_settlement_as_pending(clean, stores):
    run = reconcile(clean, stores, date(2025, 3, 1), date(2025, 3, 29))
    assert run.status == COMPLETED and open_findings(stores) == []
    [open_settlement] = [s for s in run.totals["settlements"] if s["status"] == "open"]
    assert open_settlement["pending"] and open_settlement["adds_up"] is None
    assert run.totals["pending_payments"]["count"] > 0
    [balance] = run.totals["balances"]
    assert balance["currency"] == "EUR" and {"pending", "available"} <= set(balance)


def test_over_a_scenario_every_ledger_payment_nets_to_mollies_amounts(clean, stores):
    """After refunds (one canceled), chargebacks (one reversed) and a partial capture on top of the
    scenario's own history, the synced ledger equals Mollie on every payment."""
    from verenigingen.verenigingen_payments.clients import RefundsClient

    config, control = config_for(clean), clean.control
    ids = [paid_payment(clean, value) for value in ("40.00", "25.00", "60.00")]
    for payment_id in ids:
        control.trigger("payment.paid", payment_id)
    refund = control.trigger("payment.refund", ids[0], amount="10.00")["refund"]
    control.trigger("payment.refund", ids[0], amount="5.00")
    RefundsClient(config).cancel_refund(ids[0], refund["id"])
    chargeback = control.trigger("payment.chargeback", ids[1], amount="25.00")["chargeback"]
    control.trigger("chargeback.reverse", chargeback["id"])
    control.trigger("payment.chargeback", ids[2], amount="20.00")
    manual = paid_payment(clean, "50.00", capture_mode="manual")
    control.trigger("payment.authorized", manual)
    CapturesClient(config).create_capture(manual, amount=Amount.of("20.00", "EUR"))

    run = reconcile(clean, stores, date(2025, 1, 1), date(2025, 3, 29))
    assert run.status == COMPLETED and open_findings(stores) == []
    mollie = {p.id: p for p in PaymentsClient(config).iter_payments()}
    ledger = stores.ledger.get_payments("flows", mollie)
    assert set(ledger) == set(mollie)
    for payment_id, payment in mollie.items():
        row = ledger[payment_id]
        assert (row.amount, row.amount_refunded, row.amount_charged_back, row.amount_captured) == (
            payment.amount, payment.amount_refunded, payment.amount_charged_back, payment.amount_captured), payment_id
    assert ledger[ids[0]].amount_refunded == Amount.of("5.00", "EUR")
    assert ledger[ids[1]].amount_charged_back is None and ledger[manual].amount_captured == Amount.of("20.00", "EUR")
