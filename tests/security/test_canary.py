"""The canary test: the app's main flows run with canary secrets and canary personal data, and then
every log record (caplog and a file handler on the root logger), every row the app wrote in the SQL
store (SQLite and MariaDB) and every exception string is searched: no canary may appear in clear.

Flows: settings/config resolution, client calls against the emulator with injected faults (5xx,
429, malformed body, dropped connection, wrong key), webhook ingestion good and bad (classic form,
signed events, wrong secret, bad signature, personal data in the event), guided rotation (refused
and accepted staged key, webhook secret), audit entries and GDPR erasure with personal data, and
errors raised with canaries in their messages. Frappe's DocTypes and Error Log are covered by the
bench tests beside the Mollie Audit Log DocType.
"""

from __future__ import annotations

import base64
import json
import logging
import traceback
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from verenigingen.verenigingen_payments.clients.config import EnvSettingsProvider, MollieConfig
from verenigingen.verenigingen_payments.clients.customers_client import CustomersClient
from verenigingen.verenigingen_payments.clients.payments_client import PaymentsClient
from verenigingen.verenigingen_payments.core.compliance.gdpr import erase_subject
from verenigingen.verenigingen_payments.core.errors import ConfigurationError, MollieError, ValidationError
from verenigingen.verenigingen_payments.core.security import MollieSecurityManager
from verenigingen.verenigingen_payments.core.security.audit import AuditTrail
from verenigingen.verenigingen_payments.core.security.audit_verify import verify_chain
from verenigingen.verenigingen_payments.core.security.encryption import FieldCipher
from verenigingen.verenigingen_payments.core.security.keys import KeyRing
from verenigingen.verenigingen_payments.core.security.log_redaction import RedactingFilter, install_log_redaction
from verenigingen.verenigingen_payments.core.security.redaction import redact_exception
from verenigingen.verenigingen_payments.core.security.rotation_seams import (
    API_KEY,
    WEBHOOK_SECRET,
    CredentialSlot,
    InMemoryRotationSettings,
    RotationState,
)
from verenigingen.verenigingen_payments.store.sql import SqlAuditLogStore, SqlPseudonymStore
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore
from verenigingen.verenigingen_payments.webhooks import (
    IncomingDelivery,
    StaticSecrets,
    WebhookIngestService,
    WebhookSecrets,
    signature_header,
)
from verenigingen.verenigingen_payments.webhooks.work_queue import NullQueue

API_KEY_CANARY = "test_CanaryApiKey7391qwertyuiopasdfgh"
ORG_TOKEN_CANARY = "access_CanaryOrgToken7391qwertyuiopasd"
STAGED_KEY_CANARY = "test_CanaryStagedKey7391poiuytrewqlkj"
WEBHOOK_SECRET_CANARY = "canary-webhook-secret-7391-zxcvbnmasdf"
NEW_WEBHOOK_SECRET_CANARY = "canary-new-webhook-secret-7391-lkjhgf"
EMAIL_CANARY = "canary.member7391@example.org"
IBAN_CANARY = "NL91ABNA0417164300"
CARD_CANARY = "4111111111111111"
NAME_CANARY = "Canarina Zevenendertig"

SECRETS = (API_KEY_CANARY, ORG_TOKEN_CANARY, STAGED_KEY_CANARY, WEBHOOK_SECRET_CANARY, NEW_WEBHOOK_SECRET_CANARY)
PERSONAL = (EMAIL_CANARY, IBAN_CANARY, "NL91 ABNA 0417 1643 00", CARD_CANARY, "4111 1111 1111 1111", NAME_CANARY)
# Distinctive fragments too, so a partial leak (a key cut in half, an IBAN's bank part) is caught.
FRAGMENTS = ("CanaryApiKey7391", "CanaryOrgToken7391", "CanaryStagedKey7391", "webhook-secret-7391",
             "canary.member7391", "ABNA0417", "Zevenendertig")
CANARIES = SECRETS + PERSONAL + FRAGMENTS

AUDIT_RING = KeyRing.from_spec("a1:" + base64.b64encode(b"c" * 32).decode())
ENCRYPTION_RING = KeyRing.from_spec("e1:" + base64.b64encode(b"e" * 32).decode())
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
app_logger = logging.getLogger("verenigingen.verenigingen_payments.canary")


class Evidence:
    """Every string the flows produced: exception texts and log output."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def exception(self, exc: BaseException) -> None:
        self.texts += [str(exc), repr(exc), "".join(traceback.format_exception(exc)), redact_exception(exc)]
        app_logger.exception("flow failed: %s", exc)

    def expect(self, kind, call):
        with pytest.raises(kind) as caught:
            call()
        self.exception(caught.value)
        return caught.value


@pytest.fixture
def log_file(tmp_path):
    """A file handler on the root logger, as a site's log file would be (with the handler filter
    the app adds to foreign loggers' handlers)."""
    path = tmp_path / "app.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    handler.close()


def _settings_flow(emulator, evidence: Evidence) -> MollieConfig:
    environ = {"MOLLIE_PRODUCTION_API_KEY": API_KEY_CANARY, "MOLLIE_PRODUCTION_ORGANIZATION_TOKEN": ORG_TOKEN_CANARY,
               "MOLLIE_PRODUCTION_BASE_URL": emulator.base_url, "MOLLIE_PRODUCTION_RETRY_MAX_ATTEMPTS": "2"}
    config = EnvSettingsProvider(environ).get_config("Production")
    app_logger.info("resolved %r; redacted view %s", config, config.redacted())
    app_logger.debug("raw environment %s", environ)
    evidence.texts += [repr(config), str(config)]
    evidence.expect(ConfigurationError, lambda: EnvSettingsProvider(environ).get_config("Elsewhere"))
    return config


def _client_flow(emulator, config: MollieConfig, evidence: Evidence) -> None:
    emulator.app.api_key, emulator.app.organization_token = API_KEY_CANARY, ORG_TOKEN_CANARY
    payments, customers = PaymentsClient(config), CustomersClient(config)
    assert payments.list_payments(max_items=3)
    customer = customers.create_customer(name=NAME_CANARY, email=EMAIL_CANARY)
    app_logger.info("created customer %s for %s", customer.id, EMAIL_CANARY)
    for fault in ({"status": 500, "count": 4}, {"status": 429, "retry_after": 0, "count": 4},
                  {"malformed": True, "count": 4}, {"drop": True, "count": 4}):
        emulator.control.inject_fault(path="/v2/payments*", **fault)
        evidence.expect(MollieError, lambda: payments.list_payments(max_items=1))
        emulator.control.clear_faults()
    wrong = MollieConfig(**{**config.__dict__, "api_key": STAGED_KEY_CANARY})
    evidence.expect(MollieError, lambda: PaymentsClient(wrong).list_payments(max_items=1))
    evidence.expect(MollieError, lambda: customers.create_customer(name=NAME_CANARY, email=f"not-an-email {IBAN_CANARY}"))


def _webhook_flow(engine, evidence: Evidence) -> WebhookLogStore:
    store = WebhookLogStore(engine)
    secrets = WebhookSecrets(classic={"Production": [WEBHOOK_SECRET_CANARY]},
                             signing={"Production": [WEBHOOK_SECRET_CANARY]})
    service = WebhookIngestService(store, NullQueue(), StaticSecrets(secrets), cipher=FieldCipher(ENCRYPTION_RING),
                                   clock=lambda: NOW)
    form = "application/x-www-form-urlencoded"
    event = json.dumps({"resource": "event", "id": "event_Canary7391", "type": "payment.paid",
                        "entityId": "tr_Canary7391", "createdAt": NOW.isoformat(),
                        "_embedded": {"entity": {"details": {"consumerName": NAME_CANARY,
                                                             "consumerAccount": IBAN_CANARY},
                                                 "billingEmail": EMAIL_CANARY}}}).encode()
    deliveries = [
        IncomingDelivery("POST", form, {"Authorization": f"Bearer {API_KEY_CANARY}"}, b"id=tr_good7391",
                         query={"secret": WEBHOOK_SECRET_CANARY}, client_ip="127.0.0.1"),
        IncomingDelivery("POST", form, {}, b"id=tr_bad7391", query={"secret": NEW_WEBHOOK_SECRET_CANARY},
                         client_ip="127.0.0.1"),
        IncomingDelivery("POST", "application/json",
                         {"X-Mollie-Signature": signature_header(event, WEBHOOK_SECRET_CANARY)}, event,
                         client_ip="127.0.0.1"),
        IncomingDelivery("POST", "application/json",
                         {"X-Mollie-Signature": signature_header(event, NEW_WEBHOOK_SECRET_CANARY)}, event,
                         client_ip="127.0.0.1"),
        IncomingDelivery("POST", "text/plain", {}, f"email={EMAIL_CANARY}&iban={IBAN_CANARY}".encode(),
                         query={"secret": WEBHOOK_SECRET_CANARY}, client_ip="127.0.0.1"),
    ]
    answers = [service.ingest(delivery) for delivery in deliveries]
    statuses = [a.http_status for a in answers]
    assert statuses[0] < 300 and statuses[2] < 300 and all(400 <= s < 500 for s in statuses[1::2]), statuses
    evidence.texts += [json.dumps(a.body) for a in answers]
    for answer in answers:
        app_logger.info("webhook answered %s %s", answer.http_status, answer.body)
    return store


def _rotation_flow(emulator, engine, config: MollieConfig, evidence: Evidence) -> AuditTrail:
    trail = AuditTrail(SqlAuditLogStore(engine), AUDIT_RING, chain_id="canary-site",
                       pseudonyms=SqlPseudonymStore(engine), clock=lambda: NOW)
    settings = InMemoryRotationSettings([RotationState("Production", 90, {
        API_KEY: CredentialSlot(current=API_KEY_CANARY, rotated_at=NOW - timedelta(days=120)),
        WEBHOOK_SECRET: CredentialSlot(current=WEBHOOK_SECRET_CANARY),
    })])

    def verify(settings_name, kind, value):
        PaymentsClient(MollieConfig(**{**config.__dict__, "api_key": value})).list_payments(max_items=1)

    manager = MollieSecurityManager("Production", settings_store=settings, audit=trail, verify=verify,
                                    clock=lambda: NOW)
    settings.stage("Production", API_KEY, STAGED_KEY_CANARY)
    evidence.expect(MollieError, manager.rotate_api_key)  # Mollie does not know the staged key yet
    emulator.app.api_key = STAGED_KEY_CANARY  # issued in Mollie's dashboard
    settings.stage("Production", WEBHOOK_SECRET, NEW_WEBHOOK_SECRET_CANARY)
    report = manager.rotate_api_key()
    assert report.switched == [API_KEY, WEBHOOK_SECRET]
    app_logger.info("rotation report: %s", report)
    evidence.texts += [str(report), repr(report), repr(settings.read_rotation_state("Production"))]
    return trail


def _audit_and_gdpr_flow(engine, trail: AuditTrail, evidence: Evidence) -> None:
    trail.record("dispute_action", actor=EMAIL_CANARY, subject=("customer", EMAIL_CANARY),
                 resource_type="Chargeback", resource_id=f"chb_7391 {IBAN_CANARY}",
                 details={"consumerName": NAME_CANARY, "consumerAccount": IBAN_CANARY,
                          "note": f"member {EMAIL_CANARY} paid with card {CARD_CANARY}",
                          "authorization": f"Bearer {API_KEY_CANARY}"})
    trail.record("settings_changed", actor="finance@example.org", settings_name="Production",
                 details={"fields": ["secret_key", "webhook_secret"], "secret_key": API_KEY_CANARY})
    # The pseudonym map is, by design, the one place an identifier is kept (apart from the records
    # it pseudonymises) until erasure; the canary person is erased as customer and as actor.
    for kind in ("customer", "user"):
        erase_subject(kind, EMAIL_CANARY, trail=trail, pseudonyms=SqlPseudonymStore(engine))
    assert verify_chain(SqlAuditLogStore(engine), AUDIT_RING, "canary-site").ok


def _error_flow(evidence: Evidence) -> None:
    errors = [
        ValidationError(f"Mollie refused {EMAIL_CANARY} with IBAN {IBAN_CANARY}", field="email"),
        MollieError(f"request with Authorization: Bearer {API_KEY_CANARY} failed"),
        RuntimeError(f"card {CARD_CANARY} token {ORG_TOKEN_CANARY}"),
    ]
    for error in errors:
        try:
            raise error
        except Exception as exc:  # noqa: BLE001 - collected as evidence
            app_logger.error("operation failed: %s", redact_exception(exc))
            app_logger.exception("with traceback")
            if isinstance(exc, MollieError):  # the app's own errors are redacted when raised
                evidence.exception(exc)
            else:
                evidence.texts.append(redact_exception(exc))


def _stored_rows(engine) -> str:
    dumped = []
    with engine.connect() as connection:
        for table in sa.inspect(engine).get_table_names():
            rows = connection.execute(sa.text(f"SELECT * FROM {engine.dialect.identifier_preparer.quote(table)}"))
            dumped += [f"{table}: {tuple(row)!r}" for row in rows]
    return "\n".join(dumped)


def _leaks(text: str) -> list[str]:
    return [canary for canary in CANARIES if canary.lower() in text.lower()]


def test_no_canary_is_found_in_clear_anywhere(emulator, sql_engine, caplog, log_file):
    install_log_redaction()
    caplog.set_level(logging.DEBUG)
    evidence = Evidence()

    config = _settings_flow(emulator, evidence)
    _client_flow(emulator, config, evidence)
    store = _webhook_flow(sql_engine, evidence)
    trail = _rotation_flow(emulator, sql_engine, config, evidence)
    _audit_and_gdpr_flow(sql_engine, trail, evidence)
    _error_flow(evidence)

    logged = [caplog.text, log_file.read_text(encoding="utf-8")]
    logged += [record.getMessage() + (record.exc_text or "") for record in caplog.records]
    rows = _stored_rows(sql_engine)
    # the flows really produced what is searched
    assert len(store.find()) >= 5 and "mollie_audit_log" in rows and "dispute_action" in rows
    assert len(caplog.records) > 10 and len(evidence.texts) > 20
    where = {"log records": "\n".join(logged), "store rows": rows,
             "exception strings": "\n".join(evidence.texts)}
    leaks = {place: _leaks(text) for place, text in where.items()}
    assert leaks == {place: [] for place in where}


def test_the_search_finds_a_canary_that_was_not_redacted():
    """The search itself works: a canary in clear is reported (so the test above can fail)."""
    assert _leaks(f"payload {{'note': '{NAME_CANARY}'}} key {API_KEY_CANARY}") == [
        API_KEY_CANARY, NAME_CANARY, "CanaryApiKey7391", "Zevenendertig"]
