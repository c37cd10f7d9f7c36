"""WebhooksClient over HTTP against the emulator: the next-gen subscription's whole life, and a ping
that reaches the subscribed URL signed with the secret Mollie returned at creation."""

from __future__ import annotations

import json
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.clients.conftest import emulator_config
from verenigingen.verenigingen_payments.clients import WebhooksClient
from verenigingen.verenigingen_payments.core.errors import NotFoundError, ValidationError
from verenigingen.verenigingen_payments.webhooks import signature_header


@pytest.fixture
def receiver():
    """A loopback HTTP server recording what it is POSTed."""
    received: list[tuple[dict, bytes]] = []
    arrived = threading.Event()

    @Request.application
    def app(request: Request) -> Response:
        received.append((dict(request.headers.items()), request.get_data()))
        arrived.set()
        return Response("{}", mimetype="application/json")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received, arrived
    server.shutdown()


@pytest.fixture
def client(emulator, redis_url, redis_prefix) -> WebhooksClient:
    return WebhooksClient(emulator_config(emulator, redis_url, redis_prefix))


def test_create_returns_the_signing_secret_once_then_get_list_update_delete(client):
    created = client.create_webhook(name="Finance events", url="https://example.org/hook",
                                    event_types=["payment.paid", "refund.refunded"])
    assert created.id.startswith("hook_") and created.status == "enabled"
    assert created.webhook_secret  # only the create answer carries it
    assert created.event_types == ["payment.paid", "refund.refunded"]

    fetched = client.get_webhook(created.id)
    assert fetched.url == "https://example.org/hook" and fetched.webhook_secret is None
    assert created.id in [w.id for w in client.list_webhooks()]

    updated = client.update_webhook(created.id, url="https://example.org/new", event_types="*")
    assert updated.url == "https://example.org/new"
    assert "chargeback.received" in updated.event_types

    client.delete_webhook(created.id)
    with pytest.raises(NotFoundError):
        client.get_webhook(created.id)


def test_an_unknown_event_type_is_a_validation_error_naming_the_field(client):
    with pytest.raises(ValidationError) as caught:
        client.create_webhook(name="x", url="https://example.org/hook", event_types=["payment.exploded"])
    assert caught.value.field == "eventTypes"


def test_ping_sends_a_signed_ping_event_to_the_subscribed_url(client, receiver):
    url, received, arrived = receiver
    hook = client.create_webhook(name="Ping me", url=url)
    client.ping_webhook(hook.id)
    assert arrived.wait(10), "the emulator delivered no ping"
    headers, body = received[0]
    event = json.loads(body)
    assert event["type"] == "webhook.ping" and event["entityId"] == hook.id
    assert headers["X-Mollie-Signature"] == signature_header(body, hook.webhook_secret)


def test_ping_of_an_unknown_webhook_is_not_found(client):
    with pytest.raises(NotFoundError):
        client.ping_webhook("hook_doesnotexist")
