"""Retried and doubled enrolments, webhook + sync seeing the same payment, drift, the scheduler entry."""

from __future__ import annotations

import threading
from datetime import datetime
from decimal import Decimal

from verenigingen.verenigingen_payments.core.models import Amount
from verenigingen.verenigingen_payments.subscriptions import SepaMandate
from verenigingen.verenigingen_payments.subscriptions.dates import add_interval
from verenigingen.verenigingen_payments.subscriptions.revenue import expected_vs_received, mrr_by_interval
from verenigingen.verenigingen_payments.workflows.subscription_manager import sync_all_subscription_payments

from .conftest import config_for

DUES = Amount(Decimal("12.50"), "EUR")
IBAN = "NL91ABNA0417164300"


def created(emulator, suffix):
    return [r for r in emulator.control.request_log()
            if r["method"] == "POST" and r["path"].endswith(suffix) and not r["replayed"] and r["status"] < 300]


def enrol(service, member="M-1"):
    return service.enrol(member, amount=DUES, interval="1 month", description="Contributie",
                         mandate=SepaMandate(IBAN, "A. Lid")).record


def test_doubled_and_retried_enrolments_create_one_customer_mandate_and_subscription(emulator, make_service, tmp_path):
    service = make_service()
    threads = [threading.Thread(target=enrol, args=(service,)) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    enrol(service)
    # the local store lost (a crash before saving): the same keys replay at Mollie
    again = enrol(make_service(f"sqlite:///{tmp_path / 'other.sqlite3'}"))
    assert len(created(emulator, "/customers")) == 1
    assert len(created(emulator, "/mandates")) == 1
    assert len(created(emulator, "/subscriptions")) == 1
    assert again.subscription_id == service.ctx.store.current("small", "M-1").subscription_id


def test_webhook_and_sync_seeing_the_same_payment_count_it_once(emulator, make_service):
    service = make_service()
    record = enrol(service)
    emulator.control.advance_clock(days=4)
    payment = next(service.ctx.api.subscriptions.iter_subscription_payments(record.customer_id,
                                                                             record.subscription_id))
    assert payment.subscription_id == record.subscription_id and str(payment.status) == "paid"
    service.payment_observed(payment.raw)  # the webhook
    service.payment_observed(payment)  # delivered twice
    service.sync(tracked_only=True)
    service.sync(tracked_only=True)
    assert len(service.ctx.ledger.get_payments("small", [payment.id])) == 1
    assert [p.payment_id for p in service.ctx.store.iter_payments("small")] == [payment.id]
    month = record.start_date.replace(day=1)
    dues = expected_vs_received(service.ctx.store, "small", month, add_interval(month, "1 month"))
    assert dues.received == DUES and dues.expected == DUES
    assert mrr_by_interval(service.ctx.store, "small") == {"1 month": DUES, "total": DUES}
    assert [e.kind for e in service.ctx.store.iter_events("small") if e.kind == "new"] == ["new"]


def test_drift_is_reported_not_overwritten_and_resolved_by_the_managers_choice(emulator, make_service):
    service = make_service()
    record = enrol(service)
    service.ctx.api.subscriptions.update_subscription(record.customer_id, record.subscription_id,
                                                      amount=Amount(Decimal("15.00"), "EUR"))
    service.sync(tracked_only=True)
    drift = service.open_drift()
    assert [(d.field, d.local_value, d.mollie_value) for d in drift] == [("amount", "EUR 12.50", "EUR 15.00")]
    assert service.ctx.store.current("small", "M-1").amount == DUES
    service.resolve_drift(drift[0], "restore_local")
    service.sync(tracked_only=True)
    assert service.open_drift() == []
    sub = service.ctx.api.subscriptions.get_subscription(record.customer_id, record.subscription_id)
    assert sub.amount == DUES


def test_the_scheduled_entry_syncs_every_account_and_resumes_after_an_outage(emulator, make_service, tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    enrol(make_service(url))
    clock = {"clock": lambda: datetime.fromisoformat(emulator.control.now()), "sleep": lambda s: None}
    emulator.control.inject_fault(method="GET", path="/v2/customers/*/subscriptions/*/payments", status=503, count=10)
    first = sync_all_subscription_payments([config_for(emulator)], store_url=url, **clock)
    assert isinstance(first["small"], Exception)
    emulator.control.clear_faults()
    second = sync_all_subscription_payments([config_for(emulator)], store_url=url, **clock)["small"]
    assert second.resumed and second.subscriptions > 0
    assert second.payments > 0 and len(second.untracked) + 1 >= second.subscriptions
