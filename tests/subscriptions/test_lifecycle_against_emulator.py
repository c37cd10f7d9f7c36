"""Every lifecycle transition over real HTTP against the emulator, its clock moved forward."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.subscriptions import FirstPayment, SepaMandate
from verenigingen.verenigingen_payments.core.calendar import AMSTERDAM
from verenigingen.verenigingen_payments.subscriptions.dates import add_interval, amsterdam_date, start_of_day

DUES = Amount(Decimal("12.50"), "EUR")
IBAN = "NL91ABNA0417164300"


def posts(emulator, suffix):
    return [r for r in emulator.control.request_log()
            if r["method"] == "POST" and r["path"].endswith(suffix) and not r["replayed"] and r["status"] < 300]


def test_trial_to_active_to_past_due_and_back_with_the_amsterdam_start_date(
        emulator, make_service, dunning, sql_store_url):
    # 00:30 Amsterdam on 29 March + 3 days crosses the DST switch and ends 00:30 CEST on 1 April,
    # which is 31 March in UTC: Mollie must start on 1 April.
    enrolled_at = datetime(2025, 3, 29, 0, 30, tzinfo=AMSTERDAM)
    emulator.control.advance_clock(seconds=(enrolled_at - datetime.fromisoformat(emulator.control.now())).total_seconds())
    service = make_service(sql_store_url, dunning=dunning)
    result = service.enrol("M-1", amount=DUES, interval="1 month", description="Contributie",
                           mandate=SepaMandate(IBAN, "A. Lid"), trial_days=3)
    record = result.record
    assert record.status == "trialing" and record.trial_end == datetime(2025, 3, 31, 22, 30, tzinfo=timezone.utc)
    assert record.start_date == date(2025, 4, 1) and record.next_payment_date == date(2025, 4, 1)
    sub = service.ctx.api.subscriptions.get_subscription(record.customer_id, record.subscription_id)
    assert sub.start_date == date(2025, 4, 1)

    emulator.control.advance_clock(days=3.5)  # 1 April 09:00: Mollie charges; still pending
    service.sync(tracked_only=True)
    assert service.ctx.store.current("small", "M-1").status == "trialing"
    emulator.control.advance_clock(days=3)  # the direct debit is paid
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-1")
    assert record.status == "active" and record.activated_at is not None
    assert record.current_period_end == datetime(2025, 4, 30, 22, tzinfo=timezone.utc)  # 1 May Amsterdam

    failed = emulator.control.trigger("subscription.payment", record.subscription_id, status="failed")["payment"]
    service.sync(tracked_only=True)
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-1")
    assert (record.status, record.failed_payment_count) == ("past_due", 1)
    assert dunning.calls == [("M-1", "failed", f"{failed['id']}:failed")]

    emulator.control.trigger("subscription.payment", record.subscription_id, status="paid")
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-1")
    assert (record.status, record.failed_payment_count) == ("active", 0)

    paid = [p for p in service.ctx.store.iter_payments("small") if p.status == "paid"][-1]
    emulator.control.trigger("payment.chargeback", paid.payment_id, reason="MD06")
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-1")
    assert (record.status, record.failed_payment_count) == ("past_due", 1)
    assert dunning.calls[-1][1] == "charged_back"


def test_cancel_at_period_end_cancels_at_mollie_once_before_the_next_charge(emulator, make_service):
    service = make_service()
    record = service.enrol("M-2", amount=DUES, interval="1 month", description="Contributie",
                           mandate=SepaMandate(IBAN, "B. Lid")).record
    emulator.control.advance_clock(days=4)  # charged on the start day, paid three days later
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-2")
    assert record.status == "active" and record.next_payment_date == add_interval(record.start_date, "1 month")
    record = service.cancel("M-2")
    assert record.cancel_at_period_end and record.status == "active" and record.mollie_canceled_at is None
    until_eve = start_of_day(record.next_payment_date) - datetime.fromisoformat(emulator.control.now())
    emulator.control.advance_clock(seconds=until_eve.total_seconds() - 26 * 3600)
    service.sync(tracked_only=True)
    assert service.ctx.store.current("small", "M-2").mollie_canceled_at is None  # not yet: two days before
    emulator.control.advance_clock(seconds=4 * 3600)  # the day before the next charge
    service.sync(tracked_only=True)
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-2")
    assert record.mollie_canceled_at is not None and record.status == "active"
    deletes = [r for r in emulator.control.request_log() if r["method"] == "DELETE" and not r["replayed"]]
    assert len(deletes) == 1
    emulator.control.advance_clock(days=2)
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-2")
    assert record.status == "canceled"
    charges = [p for p in service.ctx.store.iter_payments("small") if p.member_reference == "M-2"]
    assert len(charges) == 1  # nothing charged for the canceled period
    assert [e.kind for e in service.ctx.store.iter_events("small") if e.kind == "churned"] == ["churned"]

    successor = service.reactivate("M-2")
    assert successor.term == 2 and successor.status == "active" and successor.subscription_id != record.subscription_id
    assert successor.start_date == amsterdam_date(datetime.fromisoformat(emulator.control.now()))
    assert successor.start_date >= record.next_payment_date
    assert len(posts(emulator, "/subscriptions")) == 2


def test_reactivation_before_period_end_undoes_the_cancellation(emulator, make_service):
    service = make_service()
    service.enrol("M-3", amount=DUES, interval="1 month", description="Contributie", mandate=SepaMandate(IBAN, "C"))
    emulator.control.advance_clock(days=4)
    service.sync(tracked_only=True)
    assert service.cancel("M-3").cancel_at_period_end
    record = service.reactivate("M-3")
    assert not record.cancel_at_period_end and record.term == 1 and record.mollie_canceled_at is None
    assert not [r for r in emulator.control.request_log() if r["method"] == "DELETE"]


def test_a_trial_that_ends_without_a_mandate_expires(emulator, make_service):
    service = make_service()
    result = service.enrol("M-4", amount=DUES, interval="1 month", description="Contributie",
                           mandate=FirstPayment("https://example.org/welkom"), trial_days=2)
    assert result.record.status == "trialing" and result.record.first_payment_id
    emulator.control.advance_clock(days=3)
    service.sync(tracked_only=True)
    assert service.ctx.store.current("small", "M-4").status == "expired"


def test_a_suspended_subscription_is_surfaced_with_its_reason(emulator, make_service, dunning):
    service = make_service(dunning=dunning)
    record = service.enrol("M-5", amount=DUES, interval="1 month", description="Contributie",
                           mandate=SepaMandate(IBAN, "E")).record
    emulator.control.trigger("mandate.invalid", record.mandate_id)
    service.sync(tracked_only=True)
    record = service.ctx.store.current("small", "M-5")
    assert record.status == "past_due" and record.mollie_status == "suspended"
    assert record.suspension_reason == f"mandate {record.mandate_id} is invalid"
    assert [c[1] for c in dunning.calls] == ["suspended"]
