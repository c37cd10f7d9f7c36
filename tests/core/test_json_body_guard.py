"""A JSON body that Frappe's parser would crash on gets the app's 400 before the framework sees it; any
other request reaches the application with its body unchanged."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from verenigingen.verenigingen_payments.core.json_body_guard import JsonBodyGuard
from verenigingen.verenigingen_payments.webhooks.raw_body_guard import RawWebhookBody
from verenigingen.verenigingen_payments.webhooks.settings import WEBHOOK_PATH

ENDPOINT = "/api/method/verenigingen.verenigingen_payments.api.accounts.test_connection"


class ParsingApp:
    """Stands in for Frappe's `make_form_dict`: parses a JSON body with `json.loads`, 500 when that raises."""

    def __init__(self) -> None:
        self.bodies = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data()
        self.bodies.append(body)
        try:
            if request.is_json:
                json.loads(body)
        except (ValueError, RecursionError):
            return Response("Traceback (most recent call last): …", status=500)(environ, start_response)
        return Response("ok")(environ, start_response)


@pytest.fixture
def app():
    return ParsingApp()


def client(app) -> Client:
    return Client(RawWebhookBody(JsonBodyGuard(app)))


@pytest.mark.parametrize("body, problem", [
    ("[" * 5000 + "]" * 5000, "more than 32 levels deep"),
    ('{"settings": ' + "9" * 5000 + "}", "not JSON"),
    ('{"settings": "a"', "not JSON"),
    (b'{"settings": "\xff"}', "not UTF-8"),
])
def test_a_body_the_parser_would_crash_on_is_a_400_naming_the_problem(app, body, problem):
    response = client(app).post(ENDPOINT, data=body, content_type="application/json")
    assert response.status_code == 400
    assert problem in response.get_json()["message"]
    assert app.bodies == []


def test_a_sound_body_reaches_the_endpoint_unchanged(app):
    body = json.dumps({"settings": "Vereniging", "filters": [[["a", "=", "b"]]]})
    response = client(app).post(ENDPOINT, data=body, content_type="application/json; charset=utf-8")
    assert (response.status_code, app.bodies) == (200, [body.encode()])


def test_other_apps_forms_and_the_webhook_door_are_left_to_their_owners(app):
    deep = "[" * 5000 + "]" * 5000
    assert client(app).post("/api/method/frappe.ping", data=deep, content_type="application/json").status_code == 500
    assert client(app).post(ENDPOINT, data={"settings": deep}).status_code == 200  # a form: Frappe does not parse JSON
    assert client(app).post(WEBHOOK_PATH, data=deep, content_type="application/json").status_code == 200  # opaque
    assert app.bodies[-1] == deep.encode()
