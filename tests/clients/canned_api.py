"""A loopback HTTP server answering GETs with fixed JSON bodies: for list responses Mollie should never
send (and the emulator, being spec-valid, cannot), so the clients' refusal can be shown over HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from verenigingen.verenigingen_payments.clients import MollieConfig


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class CannedApi:
    """`serve("/v2/payments?limit=250", lambda base: {...})`: the body for that exact path and query.

    `base` is this server's `/v2` URL, for `_links` that must stay on the configured host. Anything
    not served answers 404; `requested` lists every path and query asked for, in order.
    """

    def __init__(self) -> None:
        self.requested: list[str] = []
        self._bodies: dict[str, Callable[[str], dict]] = {}
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_Quiet)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/v2"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()

    def serve(self, path_and_query: str, body: Callable[[str], dict]) -> None:
        self._bodies[path_and_query] = body

    def config(self, redis_url: str, redis_prefix: str) -> MollieConfig:
        return MollieConfig(api_key="test_" + "c" * 30, base_url=self.base_url, account="canned",
                            redis_url=redis_url, redis_key_prefix=redis_prefix, retry_max_attempts=1,
                            rate_limit_requests_per_second=1000)

    def _app(self, environ, start_response):
        request = Request(environ)
        key = request.full_path.rstrip("?")
        self.requested.append(key)
        make = self._bodies.get(key)
        if make is None:
            body, status = {"status": 404, "title": "Not Found", "detail": f"nothing canned for {key}"}, 404
        else:
            body, status = make(self.base_url), 200
        return Response(json.dumps(body), status=status, content_type="application/hal+json")(environ, start_response)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
