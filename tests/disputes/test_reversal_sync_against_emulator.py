"""A chargeback reversed at Mollie (the emulator's `chargeback.reverse` trigger: `reversedAt` set,
a `chargeback-reversal` balance transaction) is seen by the daily chargeback sync over HTTP and
closes its case as reversed, whether the case was open, written off, or not opened yet."""

from __future__ import annotations

from datetime import datetime

from verenigingen.verenigingen_payments.clients import BalancesClient, ChargebacksClient, PaymentsClient
from verenigingen.verenigingen_payments.disputes import OPEN, REVERSED, WRITTEN_OFF
from verenigingen.verenigingen_payments.disputes.sync import ChargebackSync

from .helpers import MANAGER, StepClock, config_for, service_on


def test_a_reversal_observed_by_the_daily_sync_closes_the_case_as_reversed(emulator, sql_engine):
    config = config_for(emulator)
    service = service_on(sql_engine)
    sync = ChargebackSync(service, config, clock=StepClock())
    first = sync.sync()
    assert first.opened >= 2 and first.reversed == 0
    open_cb, written_off_cb = ChargebacksClient(config).list_chargebacks()[:2]
    written_off = service.store.find_by_chargeback("small", written_off_cb.id)
    service.transition(written_off.case_id, WRITTEN_OFF, MANAGER, resolution="Lid onbereikbaar")

    reversed_open = emulator.control.trigger("chargeback.reverse", open_cb.id)["chargeback"]
    reversed_written_off = emulator.control.trigger("chargeback.reverse", written_off_cb.id)["chargeback"]
    assert reversed_open["reversedAt"] and reversed_written_off["reversedAt"]

    report = sync.sync()
    assert (report.opened, report.reversed) == (0, 2)
    for cb, raw in ((open_cb, reversed_open), (written_off_cb, reversed_written_off)):
        case = service.store.find_by_chargeback("small", cb.id)
        assert case.status == REVERSED and case.reversed_at == datetime.fromisoformat(raw["reversedAt"])
    untouched = [c for c in service.store.list_cases("small") if c.chargeback_id not in (open_cb.id, written_off_cb.id)]
    assert untouched and all(c.status == OPEN for c in untouched)
    assert sync.sync().reversed == 0  # seen again: nothing changes


def test_a_chargeback_reversed_before_the_first_sync_opens_as_reversed(emulator, sql_engine):
    config = config_for(emulator)
    payments = PaymentsClient(config)
    paid = next(p for p in payments.iter_payments() if str(p.status) == "paid" and str(p.method) == "directdebit"
                and p.amount_charged_back is None)
    chargeback = emulator.control.trigger("payment.chargeback", paid.id, reason="MD06")["chargeback"]
    emulator.control.advance_clock(days=2)
    emulator.control.trigger("chargeback.reverse", chargeback["id"])

    service = service_on(sql_engine)
    report = ChargebackSync(service, config, clock=StepClock()).sync()
    case = service.store.find_by_chargeback("small", chargeback["id"])
    assert case.status == REVERSED and report.reversed == 1

    again = payments.get_payment(paid.id)
    assert again.amount_charged_back is None and again.amount_remaining == paid.amount
    balances = BalancesClient(config)
    latest = next(iter(balances.iter_transactions(balances.get_primary_balance().id)))
    assert str(latest.type) == "chargeback-reversal" and latest.result_amount == paid.amount
    assert latest.context["chargeback-reversal"] == {"paymentId": paid.id, "chargebackId": chargeback["id"]}
