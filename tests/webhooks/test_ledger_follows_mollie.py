"""The local ledger follows Mollie through the webhook path: after refunds, a chargeback and its
reversal, a partial manual capture and a payment in another currency, every payment's ledger row
equals Mollie's current amountRefunded / amountChargedBack / amountCaptured; the reversed
chargeback's dispute case is closed as reversed with Mollie's date."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime, timedelta

import pytest
import requests

from verenigingen.verenigingen_payments.clients import CapturesClient
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.disputes import REVERSED, DisputeService
from verenigingen.verenigingen_payments.disputes.webhook_handler import ChargebackCaseHandler
from verenigingen.verenigingen_payments.store.sql.dispute_store import SqlDisputeStore
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.webhooks import HandlerRegistry, WebhookSecrets, WebhookSettings
from verenigingen.verenigingen_payments.webhooks.builtin_handlers import register_builtin_handlers
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher

from .conftest import emulator_config
from .wiring import wire


@pytest.fixture
def stack():
    with ExitStack() as s:
        yield s


def _hook(emulator, url: str) -> dict:
    response = requests.post(f"{emulator.base_url}/webhooks", timeout=10,
                             headers={"Authorization": f"Bearer {emulator.organization_token}"},
                             json={"name": "finance", "url": url, "eventTypes": "*"})
    assert response.status_code == 201, response.text
    return response.json()


def test_every_payment_in_the_ledger_nets_to_mollies_amounts_and_a_reversal_closes_its_case(
    stack, emulator, webhook_store, redis_url, redis_prefix, clock
):
    clock.now = datetime.fromisoformat(emulator.control.now())
    ledger = SqlPaymentLedger(webhook_store.engine)
    disputes = DisputeService(SqlDisputeStore(webhook_store.engine), clock=clock)
    fetcher = ClientsResourceFetcher(lambda account: emulator_config(emulator))
    registry = register_builtin_handlers(HandlerRegistry(), ledger=ledger, fetcher=fetcher,
                                         chargeback_cases=ChargebackCaseHandler(disputes).on_chargeback)
    # The emulator dates some scheduled events ahead of its standing clock; the event window has its own
    # tests (test_declared_limits), this one is about the ledger, so it allows a day of skew.
    wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, clock=clock, registry=registry,
                 settings=WebhookSettings(max_clock_skew=timedelta(days=1)))
    wired.secrets.secrets = WebhookSecrets(signing={"Production": [_hook(emulator, wired.url)["webhookSecret"]]})
    control, payments = emulator.control, wired.payments()

    def create(value: str, currency: str = "EUR", **kwargs) -> str:
        return payments.create_payment(Amount.of(value, currency), "Contributie",
                                       redirect_url="https://example.org/thanks", **kwargs).id

    refunded, charged_back, captured, pounds = create("40.00"), create("25.00"), create("50.00", capture_mode="manual"), \
        create("30.00", "GBP")
    for payment_id in (refunded, charged_back, pounds):
        control.trigger("payment.paid", payment_id)
    control.trigger("payment.authorized", captured)
    wired.settle()
    control.trigger("payment.refund", refunded, amount="10.00")
    control.trigger("payment.refund", refunded, amount="5.00")
    control.trigger("payment.refund", pounds, amount="7.50")
    chargeback = control.trigger("payment.chargeback", charged_back, amount="25.00", reason="MD06")["chargeback"]
    CapturesClient(emulator_config(emulator)).create_capture(captured, amount=Amount.of("35.00", "EUR"))
    wired.settle()
    case = disputes.store.find_by_chargeback("Production", chargeback["id"])
    assert case is not None and case.status != REVERSED
    assert ledger.get_payments("Production", [charged_back])[charged_back].amount_charged_back == \
        Amount.of("25.00", "EUR")

    control.advance_clock(days=1)
    clock.now = datetime.fromisoformat(control.now())
    reversed_ = control.trigger("chargeback.reverse", chargeback["id"])["chargeback"]
    wired.settle()

    ids = [refunded, charged_back, captured, pounds]
    stored = ledger.get_payments("Production", ids)
    for payment_id in ids:
        mollie = payments.get_payment(payment_id)
        row = stored[payment_id]
        assert (row.amount_refunded, row.amount_charged_back, row.amount_captured, row.amount) == (
            mollie.amount_refunded, mollie.amount_charged_back, mollie.amount_captured, mollie.amount), payment_id
    assert stored[refunded].amount_refunded == Amount.of("15.00", "EUR")
    assert stored[charged_back].amount_charged_back is None  # reversed: Mollie leaves it out again
    assert stored[captured].amount_captured == Amount.of("35.00", "EUR")
    assert stored[pounds].amount_refunded == Amount.of("7.50", "GBP")

    case = disputes.store.find_by_chargeback("Production", chargeback["id"])
    assert case.status == REVERSED and case.reversed_at == datetime.fromisoformat(reversed_["reversedAt"])
