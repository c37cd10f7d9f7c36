"""The ingest service over real HTTP outside Frappe: a small werkzeug WSGI app.

Serves `POST /api/method/verenigingen.utils.payment_gateways.mollie_webhook` (the path the
deployment guide's nginx block names), reading at most the body cap plus one byte so an oversized
body is refused without being buffered. No exception escapes as a 500.
"""

from __future__ import annotations

import json
import logging
import re

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .ingest import IncomingDelivery, WebhookIngestService
from .settings import WEBHOOK_PATH

logger = logging.getLogger(__name__)
_QUERY = re.compile(r"\?[^\s'\"]*")


def read_capped_body(request: Request, cap: int) -> bytes | None:
    """The raw body, or None if it (or its declared length) exceeds `cap` bytes."""
    if request.content_length is not None and request.content_length > cap:
        return None
    body = request.stream.read(cap + 1)
    return None if len(body) > cap else body


def delivery_from_request(request: Request, cap: int) -> IncomingDelivery:
    return IncomingDelivery(
        method=request.method,
        content_type=request.headers.get("Content-Type", ""),
        headers=dict(request.headers.items()),
        body=read_capped_body(request, cap),
        query=request.args.to_dict(flat=True),
        client_ip=request.remote_addr or "",
    )


class WebhookApp:
    """WSGI callable: `make_server(host, port, WebhookApp(service), threaded=True)`."""

    def __init__(self, service: WebhookIngestService, path: str = WEBHOOK_PATH) -> None:
        self._service = service
        self._urls = Map([Rule(path, endpoint="webhook")])

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self._dispatch(request)
        except Exception:  # last line of defence: never a 500 with a traceback
            logger.exception("webhook endpoint failed")
            response = _json(503, {"status": "unavailable"})
        return response(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        try:
            self._urls.bind_to_environ(request.environ).match()
        except NotFound:
            return _json(404, {"status": "not_found"})
        except HTTPException as exc:  # pragma: no cover - only one rule, no redirects
            return _json(exc.code or 400, {"status": "rejected"})
        result = self._service.ingest(delivery_from_request(request, self._service.settings.max_body_bytes))
        return _json(result.http_status, result.body)


class QueryFreeRequestHandler(WSGIRequestHandler):
    """Access and error log lines without query strings: the classic webhook URL carries the secret.

    The request line is logged as received, so a line the server could not parse (no path known,
    "Bad request syntax ('POST /…?secret=… x HTTP/1.1')") is logged without its query too.
    """

    def log_request(self, code="-", size="-") -> None:
        self.log("info", '"%s" %s %s', without_query(self.requestline), code, size)

    def log_error(self, format: str, *args) -> None:
        self.log("error", "%s", without_query(format % args))


def without_query(text: str) -> str:
    """`text` with every URL query string (from `?` to the next blank or quote) left out."""
    return _QUERY.sub("", text)


def make_webhook_server(app, host: str = "127.0.0.1", port: int = 0) -> BaseWSGIServer:
    """A threaded werkzeug server for the webhook app whose access log never shows the secret."""
    return make_server(host, port, app, threaded=True, request_handler=QueryFreeRequestHandler)


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")
