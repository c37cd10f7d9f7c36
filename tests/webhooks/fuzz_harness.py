"""The framework-free webhook endpoint in process (werkzeug's test client) over an SQLite log, the
worker that processes what it persisted (fetching from the emulator), and the checks every fuzzed
request must pass."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from hypothesis import event
from werkzeug.test import Client

from tests.plugins.fuzz_tally import tally
from verenigingen.verenigingen_payments.store.sql.ledger_store import SqlPaymentLedger
from verenigingen.verenigingen_payments.store.sql.tables.webhooks import webhook_log
from verenigingen.verenigingen_payments.store.webhook_log import (
    FINISHED_STATUSES,
    WebhookLogRecord,
    WebhookLogStore,
    WebhookStatus,
)
from verenigingen.verenigingen_payments.webhooks import (
    WEBHOOK_PATH,
    HandlerRegistry,
    StaticSecrets,
    WebhookApp,
    WebhookIngestService,
    WebhookSettings,
)
from verenigingen.verenigingen_payments.webhooks.builtin_handlers import register_builtin_handlers
from verenigingen.verenigingen_payments.webhooks.fetching import ClientsResourceFetcher
from verenigingen.verenigingen_payments.webhooks.locks import RedisResourceLocks
from verenigingen.verenigingen_payments.webhooks.processing import WebhookProcessor
from verenigingen.verenigingen_payments.webhooks.rate_limit import ClientRateLimiter
from verenigingen.verenigingen_payments.webhooks.recovery import WebhookRecovery
from verenigingen.verenigingen_payments.webhooks.rejections import REJECTION_STATUS
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

from .conftest import RecordingHandler, emulator_config
from .fuzz_strategies import MAX_BODY, NOW, FuzzRequest
from .wiring import DEFAULT_SECRETS

ACCEPTED_ANSWERS = {"retry_queued", "duplicate", "pong"}
_STRING_WIDTHS = {column.name: column.type.length for column in webhook_log.columns
                  if isinstance(column.type, sa.String) and column.type.length}


class ErrorRecords(logging.Handler):
    """Collects ERROR records of the app's loggers: an exception the endpoint or worker had to swallow."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("verenigingen"):
            with self._lock:
                self.records.append(record)

    def take(self) -> list[str]:
        with self._lock:
            taken, self.records = self.records, []
        return [f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
                for r in taken]


@dataclass
class FuzzEndpoint:
    app: WebhookApp
    store: WebhookLogStore
    processor: WebhookProcessor
    recovery: WebhookRecovery
    errors: ErrorRecords
    seen: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.client = Client(self.app)

    def send(self, request: FuzzRequest):
        headers = dict(request.headers)
        if request.content_type is not None:
            headers["Content-Type"] = request.content_type
        return self.client.open(WEBHOOK_PATH, method=request.method, data=request.body,
                                query_string=request.query_string.decode("latin-1"), headers=headers,
                                environ_overrides={"REMOTE_ADDR": request.client_ip})

    def new_rows(self) -> list[WebhookLogRecord]:
        rows = [row for row in self.store.find() if row.id not in self.seen]
        self.seen.update(row.id for row in rows)
        return rows

    def check(self, request: FuzzRequest) -> tuple:
        """Send it; assert a clear answer, one well-formed row, and that the worker can process it.

        Returns what another store must answer alike: status, answer, the row's status and reason,
        and what the worker made of it."""
        self.errors.take()
        self.new_rows()  # rows an earlier, failed example left unread are not this request's
        response = self.send(request)
        tally(door_of(request), server_errors=int(response.status_code >= 500))
        assert response.status_code < 500, (response.status_code, response.get_data())
        rows = self.new_rows()
        assert len(rows) == 1, rows
        [row] = rows
        answer = _answer_of(request, response, row)
        event(f"{response.status_code} {answer.get('reason', answer['status'])}")
        assert row.http_status == response.status_code
        if response.status_code == 200:
            assert answer["status"] in ACCEPTED_ANSWERS, answer
            assert row.status in (WebhookStatus.RECEIVED, WebhookStatus.IGNORED, WebhookStatus.DUPLICATE), row
        else:
            assert not request.valid, (response.status_code, answer)
            assert 400 <= response.status_code < 500 and answer["status"] == "rejected", answer
            assert REJECTION_STATUS[answer["reason"]] == response.status_code, answer
            assert (row.status, row.rejection_reason) == (WebhookStatus.REJECTED, answer["reason"])
        if request.valid:
            assert response.status_code == 200, answer
        assert_fits_its_columns(row)
        outcome = self.process(row)
        swallowed = self.errors.take()
        tally(door_of(request), inputs=0, tracebacks=len(swallowed))
        assert swallowed == [], swallowed
        return response.status_code, answer, row.status, row.rejection_reason, outcome

    def process(self, row: WebhookLogRecord) -> WebhookStatus | None:
        if row.status is WebhookStatus.REJECTED and self.recovery.replay(ids=[row.id]):
            row = self.store.get(row.id)
        outcome = self.processor.process(row.id)
        event(f"worker: {outcome.value if outcome else 'not claimable'}")
        if row.status in (WebhookStatus.RECEIVED, WebhookStatus.FAILED):
            assert outcome in FINISHED_STATUSES, (outcome, self.store.get(row.id))
        else:
            assert outcome is None
            assert self.store.get(row.id).status is row.status
        return outcome


def door_of(request: FuzzRequest) -> str:
    """The door a request knocks at, for the tally: signed or JSON is next-gen, anything else classic."""
    json_body = (request.content_type or "").lower().startswith("application/json")
    kind = "next-gen" if json_body or "X-Mollie-Signature" in request.headers else "classic"
    return f"{kind} webhook endpoint standalone"


def _answer_of(request: FuzzRequest, response, row: WebhookLogRecord) -> dict:
    """The JSON answer; a HEAD request's answer has no body (HTTP), so its row says what it would be."""
    if request.method.upper() == "HEAD":
        assert response.get_data() == b"" and row.status is WebhookStatus.REJECTED, row
        return {"status": "rejected", "reason": row.rejection_reason}
    return json.loads(response.get_data())


def fuzz_endpoint(store_url: str, emulator, redis_url: str, redis_prefix: str, errors: ErrorRecords) -> FuzzEndpoint:
    """The endpoint on a log at `store_url` (ledger beside it), its worker fetching from the emulator."""
    store = WebhookLogStore.from_url(store_url)
    fetcher = ClientsResourceFetcher(lambda account: emulator_config(emulator))
    registry = register_builtin_handlers(HandlerRegistry(), ledger=SqlPaymentLedger(store.engine), fetcher=fetcher)
    registry.register("*", RecordingHandler())
    locks = RedisResourceLocks.from_url(redis_url, prefix=redis_prefix + "lock:", blocking_timeout=5)
    service = WebhookIngestService(
        store, NullQueue(), StaticSecrets(DEFAULT_SECRETS),
        settings=WebhookSettings(max_body_bytes=MAX_BODY),
        rate_limiter=ClientRateLimiter.in_memory("1000000/minute"), clock=lambda: NOW,
    )
    processor = WebhookProcessor(store, fetcher, registry, locks, clock=lambda: NOW)
    recovery = WebhookRecovery(store, NullQueue(), clock=lambda: NOW)
    return FuzzEndpoint(WebhookApp(service), store, processor, recovery, errors)


def assert_fits_its_columns(row: WebhookLogRecord) -> None:
    """What SQLite stored would fit MariaDB too: no string longer than its column, none unencodable."""
    for name, width in _STRING_WIDTHS.items():
        value = getattr(row, name)
        if value is not None:
            assert len(value) <= width, (name, width, value)
    for value in vars(row).values():
        if isinstance(value, str):
            value.encode("utf-8")
