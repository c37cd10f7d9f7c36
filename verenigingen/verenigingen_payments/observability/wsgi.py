"""A small Werkzeug app serving /metrics, /health/live and /health/ready outside Frappe.

    app = OperationsApp(readiness_checks=[check_redis("redis", client)], metrics_token=os.environ.get(...))

`metrics_token` (when given) must come as `Authorization: Bearer <token>`; the health paths are open
and their bodies name only what is unhealthy.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable

from werkzeug.wrappers import Request, Response

from .exposition import CONTENT_TYPE, render_metrics
from .health import Check, liveness, readiness_response, run_checks

METRICS_TOKEN_ENV = "VERENIGINGEN_METRICS_TOKEN"


def token_matches(expected: str | None, authorization: str | None) -> bool:
    """Constant-time check of `Authorization: Bearer <token>`; no token configured refuses all."""
    if not expected or not authorization or not authorization.startswith("Bearer "):
        return False
    return hmac.compare_digest(authorization[len("Bearer "):].strip().encode(), expected.encode())


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


class OperationsApp:
    def __init__(
        self,
        *,
        readiness_checks: Iterable[Check] | Callable[[], Iterable[Check]] = (),
        metrics_token: str | None = None,
        require_token: bool = True,
        extra_collectors: Iterable = (),
    ) -> None:
        self._checks = readiness_checks
        self._token = metrics_token
        self._require_token = require_token
        self._collectors = tuple(extra_collectors)

    def _readiness_checks(self) -> Iterable[Check]:
        return self._checks() if callable(self._checks) else self._checks

    def __call__(self, environ, start_response):
        request = Request(environ)
        return self._dispatch(request)(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return _json(405, {"status": "method_not_allowed"})
        if request.path == "/health/live":
            return _json(*liveness())
        if request.path == "/health/ready":
            return _json(*readiness_response(run_checks(self._readiness_checks())))
        if request.path == "/metrics":
            if self._require_token and not token_matches(self._token, request.headers.get("Authorization")):
                return _json(401, {"status": "unauthorized"})
            return Response(render_metrics(self._collectors), status=200, content_type=CONTENT_TYPE)
        return _json(404, {"status": "not_found"})
