"""Refuse a JSON request body that the web framework would crash on, before it parses it.

Frappe parses an `application/json` body with `json.loads` before any app code runs. A body nested
thousands deep raises `RecursionError` there, and an integer of more than 4300 digits `ValueError`:
both end as Frappe's 500 with a traceback, at every whitelisted endpoint of the app. `JsonBodyGuard`
wraps the WSGI application and, for this app's endpoints only, reads such a body first: nested past
`MAX_JSON_DEPTH` or not parseable, it is answered 400 with one line naming the problem; otherwise the
request goes on with the same bytes. A body is read at most to Frappe's own size limit.
"""

from __future__ import annotations

import io
import json

from .input_limits import MAX_JSON_DEPTH, json_depth_exceeds

APP_METHOD_PREFIX = "/api/method/verenigingen."
MAX_GUARDED_BYTES = 25 * 1024 * 1024  # Frappe v15's default max_file_size; a longer body is Frappe's to refuse


def json_body_problem(body: bytes) -> str | None:
    """Why `body` cannot be taken as JSON arguments, or None when it can."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the body is not UTF-8 (byte {exc.start})"
    if json_depth_exceeds(text):
        return f"the body nests arrays or objects more than {MAX_JSON_DEPTH} levels deep"
    try:
        json.loads(text)
    except (ValueError, RecursionError) as exc:
        return f"the body is not JSON: {str(exc)[:120]}"
    return None


def _guarded(environ: dict) -> bool:
    return (environ.get("PATH_INFO", "").startswith(APP_METHOD_PREFIX)
            and environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() == "application/json")


class JsonBodyGuard:
    """WSGI middleware: a JSON body to one of this app's endpoints that would crash the parser gets 400."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        if not _guarded(environ):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if not 0 < length <= MAX_GUARDED_BYTES:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        problem = json_body_problem(body)
        if problem is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        answer = json.dumps({"exc_type": "InvalidRequestBody", "message": problem}).encode()
        start_response("400 BAD REQUEST", [("Content-Type", "application/json"),
                                           ("Content-Length", str(len(answer)))])
        return [answer]
