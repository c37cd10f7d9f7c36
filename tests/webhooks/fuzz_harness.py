"""The framework-free webhook endpoint in process (werkzeug's test client) over an SQLite log, the
worker that processes what it persisted (fetching from the emulator), and the checks every fuzzed
request must pass."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from hypothesis import HealthCheck, event, settings
from werkzeug.test import Client

from tests.plugins.required_tools import running_in_ci
from verenigingen.verenigingen_payments.store.sql.tables.webhooks import webhook_log
from verenigingen.verenigingen_payments.store.webhook_log import (
    FINISHED_STATUSES,
    WebhookLogRecord,
    WebhookLogStore,
    WebhookStatus,
)
from verenigingen.verenigingen_payments.webhooks import WEBHOOK_PATH, WebhookApp
from verenigingen.verenigingen_payments.webhooks.processing import WebhookProcessor
from verenigingen.verenigingen_payments.webhooks.recovery import WebhookRecovery
from verenigingen.verenigingen_payments.webhooks.rejections import REJECTION_STATUS

from .fuzz_strategies import FuzzRequest

FUZZ_EXAMPLES = 120
settings.register_profile(
    "webhook-fuzz",
    deadline=None,
    max_examples=FUZZ_EXAMPLES,
    derandomize=running_in_ci(),
    database=None if running_in_ci() else settings.default.database,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("webhook-fuzz")
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

    def check(self, request: FuzzRequest) -> None:
        """Send it; assert a clear answer, one well-formed row, and that the worker can process it."""
        self.errors.take()
        response = self.send(request)
        assert response.status_code < 500, (response.status_code, response.get_data())
        answer = json.loads(response.get_data())
        rows = self.new_rows()
        assert len(rows) == 1, rows
        [row] = rows
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
        self.process(row)
        swallowed = self.errors.take()
        assert swallowed == [], swallowed

    def process(self, row: WebhookLogRecord) -> None:
        if row.status is WebhookStatus.REJECTED and self.recovery.replay(ids=[row.id]):
            row = self.store.get(row.id)
        outcome = self.processor.process(row.id)
        event(f"worker: {outcome.value if outcome else 'not claimable'}")
        if row.status in (WebhookStatus.RECEIVED, WebhookStatus.FAILED):
            assert outcome in FINISHED_STATUSES, (outcome, self.store.get(row.id))
        else:
            assert outcome is None
            assert self.store.get(row.id).status is row.status


def assert_fits_its_columns(row: WebhookLogRecord) -> None:
    """What SQLite stored would fit MariaDB too: no string longer than its column, none unencodable."""
    for name, width in _STRING_WIDTHS.items():
        value = getattr(row, name)
        if value is not None:
            assert len(value) <= width, (name, width, value)
    for value in vars(row).values():
        if isinstance(value, str):
            value.encode("utf-8")
