"""Keep a web framework from parsing a webhook body before its signature is checked.

Frappe parses every `application/json` body in `make_form_dict` before any app code runs, so a
malformed JSON body to the webhook endpoint ends as Frappe's 500 instead of this app's 400 and a
log row. `RawWebhookBody` wraps the WSGI application: for the webhook path only, it moves the
declared content type aside (`X-Verenigingen-Original-Content-Type`) and declares the body opaque,
so the framework leaves it alone and the endpoint hands the original type to the ingest service.
"""

from __future__ import annotations

from .settings import WEBHOOK_PATH

ORIGINAL_CONTENT_TYPE_HEADER = "X-Verenigingen-Original-Content-Type"
_ORIGINAL_ENVIRON_KEY = "HTTP_" + ORIGINAL_CONTENT_TYPE_HEADER.upper().replace("-", "_")
OPAQUE_CONTENT_TYPE = "application/octet-stream"


def shield_webhook_body(environ: dict) -> dict:
    """Rewrite `environ` in place for a webhook request (any other path is left as it is)."""
    if environ.get("PATH_INFO") == WEBHOOK_PATH:
        environ[_ORIGINAL_ENVIRON_KEY] = environ.get("CONTENT_TYPE", "")
        environ["CONTENT_TYPE"] = OPAQUE_CONTENT_TYPE
    return environ


def declared_content_type(headers) -> str:
    """The content type the sender declared, whether or not the guard moved it aside."""
    return headers.get(ORIGINAL_CONTENT_TYPE_HEADER) or headers.get("Content-Type", "")


class RawWebhookBody:
    """WSGI middleware applying `shield_webhook_body` before the wrapped application."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        return self.app(shield_webhook_body(environ), start_response)
