"""The emulator's WSGI application: routing, Mollie's auth rules, idempotency, fault injection,
the request log and response observers (the contract validator hooks in there)."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from dataclasses import dataclass

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import api_customers, api_finance, api_payments, api_webhooks, payment_links
from .bank_control import association_bank
from .bodies import parse_body
from .clock import iso
from .connections import ConnectionTracker
from .control import ControlSurface
from .delivery import Dispatcher
from .errors import ApiError, error_body
from .faults import FaultSet
from .idempotency import IdempotencyCache
from .ids import random_token
from .paging import paginate
from .render_common import Ctx
from .render_payments import render_chargeback, render_payment, render_refund
from .scenario import generate

HAL = "application/hal+json"
KEYED_METHODS = ("POST",)  # Mollie: keys are honoured on POST, ignored on PATCH and DELETE


@dataclass
class Options:
    scenario: str = "association-small"
    seed: int = 1
    discrepancies: bool = True
    mode: str = "test"
    webhook_secret: str | None = None
    time_scale: float = 1.0
    flows: str = "basic"  # "real": pending funds, failed refunds, returned payouts … (scenario_flows.py)


def _routes() -> tuple[Map, dict]:
    rules, meta = [], {}
    for module in (api_finance, api_payments, api_customers, api_webhooks, payment_links):
        for path, method, fn, org_only in module.ROUTES:
            endpoint = f"{fn.__module__}.{fn.__name__}"
            rules.append(Rule("/v2" + path, methods=[method], endpoint=endpoint))
            meta[endpoint] = (fn, org_only)
    return Map(rules, strict_slashes=False), meta


class EmulatorApp:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.rng = random.Random(f"tokens:{options.scenario}:{options.seed}")
        self.world, _ = generate(options.scenario, options.seed, options.discrepancies, options.flows)
        self.api_key = random_token(f"{options.mode}_", self.rng, 32)
        self.organization_token = random_token("access_", self.rng, 32)
        self.ctx = Ctx(self.world, "http://127.0.0.1/v2", options.mode,
                       self.world.codec("org_").encode(0), self.world.codec("pfl_").encode(0))
        self.url_map, self.meta = _routes()
        self.idempotency = IdempotencyCache()
        self.faults = FaultSet(options.seed)
        self.log: list[dict] = []
        self.observers: list = []
        self.dispatcher = Dispatcher(time_scale=options.time_scale)
        self.connections = ConnectionTracker()
        self.control = ControlSurface(self)
        association_bank(self)  # the bank's plants are chosen from the scenario as it starts
        self.world.notify = self.on_change
        self._log_lock = threading.Lock()

    # -- helpers used by the endpoint modules -------------------------------------------------------
    def now(self) -> int:
        return self.world.now

    def body(self, req: Request) -> dict:
        return parse_body(req.get_data(cache=True), req.content_type or "")

    def page(self, req, path, rows, decode, encode, render, name, keep=()):
        with self.world.lock:
            return paginate(self.ctx.base, path, req.args, rows, decode, encode, render, name, keep)

    # -- webhooks -----------------------------------------------------------------------------------
    def on_change(self, kind: str, row: int, event_type: str) -> None:
        w = self.world
        payment_row = row if kind == "payment" else w.tables[kind + "s"]["payment"][row]
        url = w.payments.extras.get(payment_row, {}).get("webhookUrl")
        if url:
            self.dispatcher.classic(url, w.payments.id(payment_row))
        hooks = [h for h in w.webhooks if h["status"] == "enabled" and event_type in h["eventTypes"]]
        if not hooks:
            return
        render = {"payment": render_payment, "refund": render_refund, "chargeback": render_chargeback}[kind]
        entity = render(self.ctx, row)
        event_id = w.codec("event_").encode(len(w.events))
        event = {"resource": "event", "id": event_id, "type": event_type, "entityId": entity["id"],
                 "createdAt": iso(w.now), "_embedded": {"entity": entity},
                 "_links": {"self": self.ctx.link(f"/events/{event_id}"),
                            "documentation": {"href": "https://docs.mollie.com/reference/webhooks", "type": "text/html"},
                            "entity": entity["_links"]["self"]}}
        w.events[event_id] = event
        for hook in hooks:
            self.dispatcher.event(hook["url"], hook["secret"], event)

    # -- WSGI ---------------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        req = Request(environ)
        if req.path.startswith("/_sandbox"):
            return self.control.handle(req)(environ, start_response)
        record = {"method": req.method, "path": req.path, "query": req.query_string.decode(),
                  "headers": _redacted(req.headers), "status": None, "replayed": False, "fault": None,
                  "time": time.time()}
        fault = self.faults.take(req.method, req.path)
        if fault is not None:
            record["fault"] = fault.id
        if fault is not None and fault.status:
            status, body, headers = fault.status, error_body(fault.status, "Injected fault."), {}
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
        else:
            status, body, headers = self._api(req, record)
        payload = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        if fault is not None and fault.malformed:
            payload = _malform(payload, fault.malformed)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        record["status"] = status
        with self._log_lock:
            self.log.append(record)
        if fault is not None and fault.drop:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                sock.shutdown(socket.SHUT_RDWR)
            return []
        if fault is None and req.path.startswith("/v2"):
            for observer in self.observers:
                observer(req, status, headers, payload)
        response = Response(payload, status=status, headers=headers,
                            content_type=HAL if payload else None)
        return response(environ, start_response)

    def _api(self, req: Request, record: dict) -> tuple[int, object, dict]:
        try:
            adapter = self.url_map.bind_to_environ(req.environ)
            try:
                endpoint, params = adapter.match()
            except MethodNotAllowed:
                raise ApiError(405, f"The method {req.method} is not available for this resource.") from None
            except NotFound:
                raise ApiError(404, "The requested resource does not exist.") from None
            fn, org_only = self.meta[endpoint]
            scope = self._authenticate(req, org_only)
            if req.args.get("testmode") not in (None, "true", "false"):
                raise ApiError(400, "The 'testmode' parameter must be true or false.", field="testmode")
            key = req.headers.get("Idempotency-Key")
            if key and req.method in KEYED_METHODS:
                return self._idempotent(req, record, fn, params, scope, key)
            status, body = fn(self, req, **params)
            return status, body, {}
        except ApiError as exc:
            return exc.status, exc.body(), exc.headers
        except Exception as exc:  # noqa: BLE001 - the emulator answers, never crashes
            return 500, error_body(500, f"Emulator error: {type(exc).__name__}: {exc}"), {}

    def _authenticate(self, req: Request, org_only: bool) -> str:
        auth = req.headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else ""
        if token == self.organization_token:
            return token
        if token == self.api_key:
            if org_only:
                raise ApiError(403, "This endpoint requires an organization access token; API keys cannot access it.")
            return token
        raise ApiError(401, "Missing authentication, or failed to authenticate.",
                       headers={"WWW-Authenticate": 'Bearer realm="Mollie API"'})

    def _idempotent(self, req, record, fn, params, scope, key) -> tuple[int, object, dict]:
        raw = req.get_data(cache=True)
        fingerprint = IdempotencyCache.fingerprint(req.method, req.path, raw)
        state, entry = self.idempotency.begin(scope, key, fingerprint, self.now())
        if state == "mismatch":
            raise ApiError(400, "The idempotency key was already used for a request to another endpoint or with other parameters.",
                           field="Idempotency-Key")
        if state == "in-progress":
            raise ApiError(409, "A request with this idempotency key is still being processed.")
        if state == "replay":
            record["replayed"] = True
            return entry.status, entry.body or None, {"Idempotent-Replayed": "true"}
        try:
            status, body = fn(self, req, **params)
            headers = {}
        except ApiError as exc:
            status, body, headers = exc.status, exc.body(), exc.headers
        except Exception:
            self.idempotency.finish(scope, key, 500, b"", ())
            raise
        payload = b"" if body is None else json.dumps(body).encode()
        self.idempotency.finish(scope, key, status, payload, ())
        return status, payload or None, headers

    def close(self) -> None:
        self.dispatcher.stop()


def _redacted(headers) -> dict:
    out = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            value = value.split(" ")[0] + " " + value.split(" ", 1)[-1][:5] + "***" if " " in value else "***"
        out[name] = value
    return out


def _malform(payload: bytes, how) -> bytes:
    if how == "missing-field":
        try:
            data = json.loads(payload)
        except ValueError:
            return payload[: len(payload) // 2]
        for key in ("id", "count", "status", "resource"):
            if key in data:
                del data[key]
                break
        return json.dumps(data).encode()
    return payload[: max(len(payload) // 2, 1)]
