"""`MollieEmulator`: the emulator on a free loopback port in a background thread, plus the small
HTTP client of its control surface."""

from __future__ import annotations

import io
import socket
import threading
import time
from dataclasses import replace

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from .app import EmulatorApp, Options
from .bank_control import BankControlMethods


class _KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1 with keep-alive (Werkzeug's handler always answers `Connection: close`).

    Werkzeug closes because http.server cannot skip a request body the application left unread,
    and after each response it discards whatever the socket still holds, which on a kept-alive
    connection would be the next request. Here the body (Content-Length) is read whole before the
    application runs, and that discard step reads from an empty stream, so the next request line
    is always where the stream stands. A chunked body, `Expect: 100-continue`, or a client asking
    for `Connection: close` still closes. No access log on stderr: the request log lives in the
    control surface. Idle connections end after `timeout` seconds."""

    protocol_version = "HTTP/1.1"
    timeout = 120
    _EMPTY = io.BytesIO(b"")

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; on a kept-alive connection Nagle's algorithm
        # would hold the body until the client's delayed ACK (~40 ms per small response).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.connections.opened(self.connection)

    def finish(self) -> None:
        self.server.connections.closed(self.connection)
        super().finish()

    def run_wsgi(self) -> None:
        self._body = self._buffered_body()
        if self._body is None:
            super().run_wsgi()
            return
        stream, self.rfile = self.rfile, self._EMPTY
        try:
            super().run_wsgi()
        finally:
            self.rfile = stream

    def _buffered_body(self) -> bytes | None:
        """The request body read whole, or None when it cannot be (the connection then closes)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower() or self.headers.get("Expect"):
            return None
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            return None
        return self.rfile.read(int(length)) if int(length) else b""

    def make_environ(self) -> dict:
        environ = super().make_environ()
        if self._body is not None:
            environ["wsgi.input"] = io.BytesIO(self._body)
        return environ

    def send_header(self, keyword: str, value: str) -> None:
        if keyword.lower() == "connection" and value.lower() == "close" \
                and self._body is not None and not self.close_connection:
            return  # keep the connection: http.server's own rules (HTTP/1.1 default) decide
        super().send_header(keyword, value)

    def log_request(self, *args, **kwargs) -> None:
        pass

    def log(self, type: str, message: str, *args) -> None:
        if type == "error":
            super().log(type, message, *args)


class ControlClient(BankControlMethods):
    """Talks to `/_sandbox/…` over HTTP, so tests drive the emulator the way another process would."""

    def __init__(self, control_url: str) -> None:
        self.url = control_url
        self._session = requests.Session()

    def _call(self, method: str, path: str, json: dict | None = None, timeout: float = 30):
        resp = self._session.request(method, self.url + path, json=json, timeout=timeout)
        data = resp.json() if resp.content else None
        if resp.status_code != 200:
            raise RuntimeError(f"emulator control {method} {path} failed: {data}")
        return data

    def info(self) -> dict:
        return self._call("GET", "/info")

    def inject_fault(self, **spec) -> dict:
        """method, path (glob), status, retry_after, delay, drop, malformed, count or probability."""
        return self._call("POST", "/faults", spec)

    def faults(self) -> list[dict]:
        return self._call("GET", "/faults")

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def connections(self) -> dict:
        """{"accepted": TCP connections accepted so far, "open": still open} (keep-alive reuses one)."""
        return self._call("GET", "/connections")

    def request_log(self) -> list[dict]:
        return self._call("GET", "/requests")

    def clear_request_log(self) -> None:
        self._call("DELETE", "/requests")

    def ground_truth(self) -> list[dict]:
        return self._call("GET", "/ground-truth")

    def now(self) -> str:
        return self._call("GET", "/clock")["now"]

    def advance_clock(self, days: float = 0, seconds: float = 0) -> str:
        return self._call("POST", "/clock", {"days": days, "seconds": seconds})["now"]

    def trigger(self, action: str, id: str, **params) -> dict:
        """action: payment.paid|authorized|failed|expired|canceled|pending (authorized: captureMode manual,
        which a capture pays), payment.refund (amount),
        payment.chargeback (amount, reason e.g. "AM04"), chargeback.reverse (a chargeback id),
        subscription.payment (status), mandate.invalid; and the money that comes back (flows "real" where
        noted): refund.fail (a refund id: status failed, `returned-refund`), payment.failed on a paid
        direct debit whose funds are still pending (flows real: `failed-payment`),
        settlement.payout-returned | settlement.payout-canceled (a paid-out settlement id: `returned-transfer`
        / `canceled-transfer`, the settlement `failed`, the open settlement pays it again),
        balance.correction (amount="-2.50", signed: `balance-correction` in the open settlement)."""
        return self._call("POST", "/trigger", {"action": action, "id": id, **params})

    def seed_collections(self, count: int = 40, seed: int = 1) -> list[dict]:
        """Plan failing collections by reason code (collection_outcomes.py); returns their ground truth."""
        return self._call("POST", "/collections/seed", {"count": count, "seed": seed})

    def collections_ground_truth(self) -> list[dict]:
        return self._call("GET", "/collections/ground-truth")

    def webhook_deliveries(self) -> list[dict]:
        return self._call("GET", "/webhook-deliveries")

    def deliver_webhook(self, id: str, url: str | None = None, count: int = 1) -> dict:
        return self._call("POST", "/webhooks/deliver", {"id": id, "url": url, "count": count})

    def rotate_webhook_secret(self, webhook_id: str, secret: str | None = None) -> str:
        """New signing secret for a next-gen webhook subscription (events sent from now on use it)."""
        return self._call("POST", "/webhooks/rotate-secret", {"id": webhook_id, "secret": secret})["webhookSecret"]

    def wait_for_webhooks(self, timeout: float = 10) -> bool:
        return self._call("POST", "/webhooks/wait", {"timeout": timeout}, timeout=timeout + 5)["idle"]

    def close(self) -> None:
        self._session.close()


class MollieEmulator:
    """with MollieEmulator(scenario="association-small", seed=1) as emu: emu.base_url, emu.api_key …"""

    def __init__(self, scenario: str = "association-small", seed: int = 1, host: str = "127.0.0.1", port: int = 0,
                 discrepancies: bool = True, mode: str = "test", webhook_secret: str | None = None,
                 time_scale: float = 1.0, flows: str = "basic") -> None:
        self.options = Options(scenario=scenario, seed=seed, discrepancies=discrepancies, mode=mode,
                               webhook_secret=webhook_secret, time_scale=time_scale, flows=flows)
        self.host, self._port = host, port
        self.app: EmulatorApp | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self.control: ControlClient | None = None
        self.start_seconds: float | None = None

    def start(self) -> MollieEmulator:
        t0 = time.perf_counter()
        self.app = EmulatorApp(replace(self.options))
        self._server = make_server(self.host, self._port, self.app, threaded=True, request_handler=_KeepAliveHandler)
        self._server.daemon_threads = True
        self._server.connections = self.app.connections
        self.port = self._server.server_port
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.origin = f"http://{host}:{self.port}"
        self.app.ctx.base = self.base_url
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="mollie-emulator", daemon=True)
        self._thread.start()
        self.control = ControlClient(self.control_url)
        self.start_seconds = time.perf_counter() - t0
        return self

    @property
    def base_url(self) -> str:
        return self.origin + "/v2"

    @property
    def control_url(self) -> str:
        return self.origin + "/_sandbox"

    @property
    def api_key(self) -> str:
        return self.app.api_key

    @property
    def organization_token(self) -> str:
        return self.app.organization_token

    def add_observer(self, observer) -> None:
        """observer(request, status, headers, body_bytes) after every /v2 response without an injected fault."""
        self.app.observers.append(observer)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self.app.connections.close_all()  # idle keep-alive connections would otherwise stay served
            self._thread.join(timeout=5)
            self._server = None
        if self.control is not None:
            self.control.close()
        if self.app is not None:
            self.app.close()

    def __enter__(self) -> MollieEmulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
