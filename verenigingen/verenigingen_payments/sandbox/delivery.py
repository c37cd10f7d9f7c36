"""Webhook delivery in a background thread: classic (`id=<resource id>` form posts to the
resource's webhookUrl) and next-gen signed events (JSON with `X-Mollie-Signature`).

A delivery that does not get a 2xx is retried on Mollie's schedule (10 attempts over about 26
hours) multiplied by `time_scale`, so tests can compress a day into milliseconds. Only loopback
URLs are called; anything else is recorded as refused and never sent.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import itertools
import json
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlencode, urlparse

import requests

# Seconds between attempts (Mollie's webhook documentation): 1st immediately, then 1, 2, 4, 8, 16,
# 29 minutes, 1 hour, 2 hours, 22 hours.
RETRY_INTERVALS = (60, 120, 240, 480, 960, 1740, 3600, 7200, 79200)
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_loopback(url: str) -> bool:
    try:
        return (urlparse(url).hostname or "") in LOOPBACK
    except ValueError:
        return False


class Dispatcher:
    def __init__(self, time_scale: float = 1.0, timeout: float = 15.0) -> None:
        self.time_scale = time_scale
        self.timeout = timeout
        self.log: list[dict] = []
        self._queue: list[tuple] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._session = requests.Session()
        self._thread = threading.Thread(target=self._run, name="mollie-emulator-webhooks", daemon=True)
        self._thread.start()

    def classic(self, url: str, resource_id: str) -> None:
        body = urlencode({"id": resource_id}).encode()
        self._enqueue({"kind": "classic", "url": url, "resource_id": resource_id, "body": body,
                       "headers": {"Content-Type": "application/x-www-form-urlencoded"}})

    def event(self, url: str, secret: str, event: dict) -> None:
        body = json.dumps(event, separators=(",", ":")).encode()
        self._enqueue({"kind": "next-gen", "url": url, "resource_id": event.get("entityId"), "event_id": event["id"],
                       "body": body, "headers": {"Content-Type": "application/json",
                                                 "X-Mollie-Signature": sign(secret, body)}})

    def ping(self, hook: dict) -> None:
        self.event(hook["url"], hook["secret"], {"resource": "event", "id": "event_ping", "type": "webhook.ping",
                                                 "entityId": hook["id"],
                                                 "createdAt": datetime.now(timezone.utc).isoformat()})

    def _enqueue(self, delivery: dict) -> None:
        delivery["attempt"] = 0
        with self._cond:
            heapq.heappush(self._queue, (time.monotonic(), next(self._seq), delivery))
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                if not self._queue and not getattr(self, "_busy", False):
                    return True
            time.sleep(0.01)
        return False

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=5)
        self._session.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._queue or self._queue[0][0] > time.monotonic()):
                    wait = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._cond.wait(timeout=wait)
                if self._stopped:
                    return
                _, _, delivery = heapq.heappop(self._queue)
                self._busy = True
            try:
                self._attempt(delivery)
            finally:
                with self._cond:
                    self._busy = False

    def _attempt(self, d: dict) -> None:
        d["attempt"] += 1
        entry = {"kind": d["kind"], "url": d["url"], "resource_id": d["resource_id"], "event_id": d.get("event_id"),
                 "attempt": d["attempt"], "status": None, "error": None, "at": time.time(),
                 "signature": d["headers"].get("X-Mollie-Signature"), "body": d["body"].decode()}
        if not is_loopback(d["url"]):
            entry["error"] = "refused: not a loopback URL"
            self.log.append(entry)
            return
        try:
            resp = self._session.post(d["url"], data=d["body"], headers=d["headers"], timeout=self.timeout,
                                      allow_redirects=False)
            entry["status"] = resp.status_code
            ok = 200 <= resp.status_code < 300
        except requests.RequestException as exc:
            entry["error"] = type(exc).__name__
            ok = False
        self.log.append(entry)
        if not ok and d["attempt"] <= len(RETRY_INTERVALS):
            due = time.monotonic() + RETRY_INTERVALS[d["attempt"] - 1] * self.time_scale
            with self._cond:
                heapq.heappush(self._queue, (due, next(self._seq), d))
                self._cond.notify()
