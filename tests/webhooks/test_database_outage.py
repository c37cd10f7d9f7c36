"""A database outage during ingest, on the real MariaDB behind a TCP proxy the test stops mid-run:
every delivery is answered 503 with Retry-After (nothing is half-written), and once the database is
back Mollie's retry of each is processed exactly once."""

from __future__ import annotations

import json
from contextlib import ExitStack
from datetime import datetime, timezone

import pytest
import requests
import sqlalchemy as sa

from verenigingen.verenigingen_payments.clients.payments_client import PaymentsClient
from verenigingen.verenigingen_payments.core.models.money import Amount
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore, WebhookStatus
from verenigingen.verenigingen_payments.webhooks import signature_header

from .conftest import SIGNING_SECRET, emulator_config
from .tcp_proxy import TcpProxy
from .wiring import wire


@pytest.fixture
def proxy():
    proxy = TcpProxy(("127.0.0.1", 3306)).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def store_behind_proxy(sql_store_url, proxy):
    url = sa.make_url(sql_store_url).set(port=proxy.port).render_as_string(hide_password=False)
    store = WebhookLogStore.from_url(url)
    yield store
    store.engine.dispose()


def _paid_payment(emulator) -> str:
    payment = PaymentsClient(emulator_config(emulator)).create_payment(
        Amount.of("12.50", "EUR"), "Contributie", redirect_url="https://example.org/thanks")
    emulator.control.trigger("payment.paid", payment.id)
    return payment.id


def _event(payment_id: str) -> bytes:
    return json.dumps({"resource": "event", "id": f"event_{payment_id[3:]}", "type": "payment.paid",
                       "entityId": payment_id, "createdAt": datetime.now(timezone.utc).isoformat()}).encode()


@pytest.mark.parametrize("sql_store_url", [pytest.param("mariadb", marks=pytest.mark.mariadb)], indirect=True)
def test_an_outage_answers_503_with_retry_after_and_the_retry_is_processed_exactly_once(
    emulator, store_behind_proxy, proxy, redis_url, redis_prefix
):
    classic_payment, event_payment = _paid_payment(emulator), _paid_payment(emulator)
    event_body = _event(event_payment)
    with ExitStack() as stack:
        wired = wire(stack, emulator, store_behind_proxy, redis_url, redis_prefix)

        def deliver_both() -> list[requests.Response]:
            return [wired.post_classic(classic_payment),
                    requests.post(wired.url, data=event_body, timeout=20, headers={
                        "Content-Type": "application/json",
                        "X-Mollie-Signature": signature_header(event_body, SIGNING_SECRET)})]

        assert wired.post_classic(_paid_payment(emulator)).status_code == 200  # pooled connections in use
        proxy.stop()
        during = deliver_both()
        assert [(r.status_code, r.json(), r.headers.get("Retry-After")) for r in during] == [
            (503, {"status": "unavailable"}, "60")] * 2

        proxy.start()
        after = deliver_both()  # Mollie's retries
        assert [r.status_code for r in after] == [200, 200], [r.text for r in after]
        wired.drain()
        again = deliver_both()  # and one more, as if our 200 had been lost on the way
        assert [r.json()["status"] for r in again][1] == "duplicate"
        wired.drain()

    for payment_id in (classic_payment, event_payment):
        assert len(wired.recorder.keys_for(payment_id)) == 1, payment_id
        statuses = [r.status for r in store_behind_proxy.find(resource_id=payment_id)]
        assert statuses.count(WebhookStatus.PROCESSED) == 1, statuses
        assert set(statuses) <= {WebhookStatus.PROCESSED, WebhookStatus.DUPLICATE}, statuses
