"""The raw-body guard keeps a framework that parses JSON eagerly (Frappe's `make_form_dict`) from
touching a webhook body, and the endpoint still sees the content type the sender declared."""

from __future__ import annotations

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from verenigingen.verenigingen_payments.webhooks import WEBHOOK_PATH
from verenigingen.verenigingen_payments.webhooks.raw_body_guard import (
    RawWebhookBody,
    declared_content_type,
    shield_webhook_body,
)

MALFORMED = b'{"resource": "event", "id": '


def environ(path: str, content_type: str = "application/json", body: bytes = MALFORMED) -> dict:
    return EnvironBuilder(path=path, method="POST", data=body, content_type=content_type).get_environ()


def test_a_webhook_body_is_opaque_to_the_framework_but_its_declared_type_survives():
    request = Request(shield_webhook_body(environ(WEBHOOK_PATH)))
    assert not request.is_json  # so an eager framework does not json.loads it
    assert request.get_data() == MALFORMED
    assert declared_content_type(request.headers) == "application/json"


def test_other_paths_are_left_alone():
    request = Request(shield_webhook_body(environ("/api/method/get_dashboard_metrics")))
    assert request.is_json
    assert declared_content_type(request.headers) == "application/json"


def test_a_classic_form_webhook_keeps_its_form_type_for_the_endpoint():
    request = Request(shield_webhook_body(environ(WEBHOOK_PATH, "application/x-www-form-urlencoded", b"id=tr_1")))
    assert request.form == {}  # the framework no longer parses it either
    assert declared_content_type(request.headers) == "application/x-www-form-urlencoded"


def test_the_middleware_hands_the_rewritten_environ_to_the_wrapped_app():
    seen = {}

    def app(env, start_response):
        seen["type"] = env["CONTENT_TYPE"]
        start_response("204 No Content", [])
        return [b""]

    RawWebhookBody(app)(environ(WEBHOOK_PATH), lambda status, headers: None)
    assert seen["type"] == "application/octet-stream"
