"""A loopback HTTP receiver for webhook tests: records each request, answers from a script."""

from __future__ import annotations

import threading

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


class Receiver:
    def __init__(self, statuses: list[int] | None = None) -> None:
        self.requests: list[dict] = []
        self._statuses = list(statuses or [])
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True, request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"
        self.arrived = threading.Event()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def _app(self, environ, start_response):
        req = Request(environ)
        self.requests.append({"body": req.get_data(), "headers": dict(req.headers), "form": dict(req.form)})
        status = self._statuses.pop(0) if self._statuses else 200
        self.arrived.set()
        return Response("ok", status=status)(environ, start_response)

    def wait_for(self, n: int, timeout: float = 10.0) -> bool:
        import time

        deadline = time.monotonic() + timeout
        while len(self.requests) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.requests) >= n

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
