"""The ingest service: authenticate, persist first, answer fast.

Every request that is not rate limited becomes a `mollie_webhook_log` row, committed before
anything acts on it. A valid delivery is then queued and, within a short inline budget, processed
before the answer; past the budget the answer is still 200 with `retry_queued`. Bad input is a
clear 4xx with a row saying why. Unknown ids get 200 (Mollie's advice: leak nothing, stop retries).
The only non-4xx error is 503 when the log itself cannot be written: Mollie then retries, so the
delivery is still not lost.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..core.security.encryption import FieldCipher, FieldContext
from ..core.security.redaction import redact, redact_text
from ..store.webhook_log import DuplicateEventError, NewWebhookLog, WebhookLogStore, WebhookStatus
from .events import CLASSIC, NEXT_GEN, DeliveredReference, parse_classic_form, parse_event
from .rate_limit import ClientRateLimiter
from .rejections import SignatureVerificationError, WebhookRejected
from .settings import SecretsSource, WebhookSettings
from .verification import SIGNATURE_HEADER, check_event_age, verify_classic_secret, verify_signature
from .work_queue import WebhookQueue

logger = logging.getLogger(__name__)

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"
LOG_RECORD_TYPE = "Mollie Webhook Log"
_MAX_CLIENT_IP = 64  # the log's client_ip column


@dataclass(frozen=True)
class IncomingDelivery:
    """One HTTP request as the endpoint saw it; `body` is None when it exceeded the cap."""

    method: str
    content_type: str
    headers: Mapping[str, str]
    body: bytes | None
    query: Mapping[str, str] = field(default_factory=dict)
    client_ip: str = ""
    operator_replay: bool = False


@dataclass(frozen=True)
class IngestResponse:
    http_status: int
    body: dict


@dataclass
class _Facts:
    """What has been established about a delivery so far (written to its row either way)."""

    source: str
    client_ip: str | None = None
    signature_result: str = "not_checked"
    account: str | None = None
    reference: DeliveredReference | None = None

    @property
    def authenticated(self) -> bool:
        return self.signature_result.startswith("valid")


class WebhookIngestService:
    def __init__(
        self,
        store: WebhookLogStore,
        queue: WebhookQueue,
        secrets: SecretsSource,
        *,
        settings: WebhookSettings | None = None,
        rate_limiter: ClientRateLimiter | None = None,
        cipher: FieldCipher | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self._store = store
        self._queue = queue
        self._secrets = secrets
        self._settings = settings or WebhookSettings()
        self._limiter = rate_limiter or ClientRateLimiter.in_memory(self._settings.unauthenticated_rate_limit)
        self._cipher = cipher
        self._clock = clock

    @property
    def settings(self) -> WebhookSettings:
        return self._settings

    def ingest(self, delivery: IncomingDelivery) -> IngestResponse:
        now = self._clock()
        facts = _Facts(source=_source_of(delivery.content_type), client_ip=_client_ip(delivery.client_ip))
        try:
            self._authenticate_and_read(delivery, facts, now)
        except WebhookRejected as rejection:
            return self._reject(delivery, facts, rejection, now)
        if facts.reference.is_ping:
            return self._acknowledge_ping(delivery, facts, now)
        try:
            record = self._store.record(self._new_row(delivery, facts, now, WebhookStatus.RECEIVED, 200))
        except DuplicateEventError:
            self._store.record(self._new_row(delivery, facts, now, WebhookStatus.DUPLICATE, 200, dedupe=False))
            return _answer("duplicate", facts)
        except Exception:
            logger.exception("could not persist a webhook delivery; answering 503 so Mollie retries")
            return IngestResponse(503, {"status": "unavailable"})
        return self._process_within_budget(record.id, facts)

    def _authenticate_and_read(self, delivery: IncomingDelivery, facts: _Facts, now: datetime) -> None:
        if delivery.method.upper() != "POST":
            raise WebhookRejected("method_not_allowed", "webhooks are POSTed")
        if delivery.body is None:
            raise WebhookRejected("payload_too_large", f"the body exceeds {self._settings.max_body_bytes} bytes")
        if facts.source == "unknown":
            raise WebhookRejected(
                "unsupported_media_type", f"expected {FORM_CONTENT_TYPE} or {JSON_CONTENT_TYPE}"
            )
        secrets = self._secrets()
        try:
            if facts.source == CLASSIC:
                facts.account = verify_classic_secret(delivery.query.get("secret"), secrets)
                facts.signature_result = "valid_secret"
            else:
                header = _header(delivery.headers, SIGNATURE_HEADER)
                facts.account = verify_signature(delivery.body, header, secrets)
                facts.signature_result = "valid_signature"
        except SignatureVerificationError as failure:
            facts.signature_result = failure.reason
            raise
        if facts.source == CLASSIC:
            facts.reference = parse_classic_form(delivery.body)
            return
        facts.reference = parse_event(delivery.body)
        if facts.reference.is_ping:
            return
        check_event_age(
            facts.reference.created_at,
            now=now,
            max_age=self._settings.event_max_age,
            operator_replay=delivery.operator_replay,
        )

    def _acknowledge_ping(self, delivery: IncomingDelivery, facts: _Facts, now: datetime) -> IngestResponse:
        try:
            self._store.record(self._new_row(delivery, facts, now, WebhookStatus.IGNORED, 200, dedupe=False))
        except Exception:
            logger.exception("could not log a webhook ping")
        return IngestResponse(200, {"status": "pong"})

    def _reject(
        self, delivery: IncomingDelivery, facts: _Facts, rejection: WebhookRejected, now: datetime
    ) -> IngestResponse:
        if not facts.authenticated and not self._limiter.allow(facts.client_ip or ""):
            return IngestResponse(429, {"status": "rejected", "reason": "rate_limited",
                                        "message": "too many invalid webhook requests"})
        body = {"status": "rejected", "reason": rejection.reason, "message": rejection.message}
        try:
            self._store.record(
                self._new_row(delivery, facts, now, WebhookStatus.REJECTED, rejection.http_status,
                              rejection=rejection, dedupe=False)
            )
        except Exception:
            logger.exception("could not log a rejected webhook delivery (%s)", rejection.reason)
        return IngestResponse(rejection.http_status, body)

    def _process_within_budget(self, log_id: str, facts: _Facts) -> IngestResponse:
        try:
            future = self._queue.submit(log_id)
        except Exception:
            logger.exception("could not queue webhook %s; the retry job will pick it up", log_id)
            future = None
        budget = self._settings.inline_budget_seconds
        if future is None or budget <= 0:
            return _answer("retry_queued", facts)
        try:
            status = future.result(timeout=budget)
        except FutureTimeout:
            return _answer("retry_queued", facts)
        if status is None or status == WebhookStatus.FAILED:
            return _answer("retry_queued", facts)
        return _answer(status.value, facts)

    def _new_row(
        self,
        delivery: IncomingDelivery,
        facts: _Facts,
        now: datetime,
        status: WebhookStatus,
        http_status: int,
        *,
        rejection: WebhookRejected | None = None,
        dedupe: bool = True,
    ) -> NewWebhookLog:
        ref = facts.reference
        log_id = uuid.uuid4().hex
        body = delivery.body
        encrypted = self._cipher is not None and body is not None
        stored_body = self._cipher.encrypt(body, body_context(log_id)).encode() if encrypted else body
        event_id = ref.event_id if ref else None
        return NewWebhookLog(
            id=log_id,
            source=facts.source,
            status=status,
            http_status=http_status,
            signature_result=facts.signature_result,
            headers=json.dumps(redact(dict(delivery.headers)), sort_keys=True),
            received_at=now,
            body=stored_body,
            body_encrypted=encrypted,
            body_size=len(body) if body is not None else 0,
            webhook_id=event_id or (ref.resource_id if ref else None),
            account=facts.account,
            resource_type=ref.resource_type if ref else None,
            resource_id=ref.resource_id if ref else None,
            parent_id=ref.parent_id if ref else None,
            event_type=ref.event_type if ref else None,
            event_created_at=ref.created_at if ref else None,
            dedupe_key=f"event:{event_id}" if dedupe and event_id else None,
            rejection_reason=rejection.reason if rejection else None,
            client_ip=facts.client_ip,
            last_error=redact_text(rejection.message) if rejection else None,
            operator_replay=delivery.operator_replay,
        )


def body_context(log_id: str) -> FieldContext:
    """What an encrypted body is bound to: this row's `body` field and nothing else."""
    return FieldContext(LOG_RECORD_TYPE, log_id, "body")


def _source_of(content_type: str) -> str:
    mimetype = (content_type or "").split(";", 1)[0].strip().lower()
    return {FORM_CONTENT_TYPE: CLASSIC, JSON_CONTENT_TYPE: NEXT_GEN}.get(mimetype, "unknown")


def _client_ip(raw: str) -> str | None:
    """The caller's address in canonical form, or None when it is not one (a forged X-Forwarded-For
    inside Frappe): such callers share one rate-limit bucket and store no address."""
    try:
        address = str(ipaddress.ip_address((raw or "").strip()))
    except ValueError:
        return None
    return address if len(address) <= _MAX_CLIENT_IP else None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def _answer(status: str, facts: _Facts) -> IngestResponse:
    body = {"status": status}
    if facts.reference is not None:
        body["resource_id"] = facts.reference.resource_id
    return IngestResponse(200, body)
