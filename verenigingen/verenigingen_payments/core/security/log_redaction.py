"""Redaction of log records for the app's logger namespace, installed once at app start.

A logger's filters do not apply to records of its child loggers, so installing a Filter on
"verenigingen" alone would miss "verenigingen.verenigingen_payments.clients". The installer
therefore wraps the log-record factory (every record of the namespaces is redacted as it is made,
whatever handler later writes it) and also puts `RedactingFilter` on the namespace loggers, so
`extra=` fields, which are attached after the factory ran, are redacted too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from .redaction import redact

APP_LOGGER_NAMESPACE = "verenigingen"
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName"}

_lock = threading.Lock()
_namespaces: set[str] = set()
_factory_installed = False


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Replace the record's message, exception text, stack and extra fields by redacted ones."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string must not hide the record, nor leak its args
        message = f"{record.msg!s} (unformattable args)"
    record.msg = redact(message)
    record.args = ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    for key, value in list(vars(record).items()):
        if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
            setattr(record, key, redact(value))
    return record


class RedactingFilter(logging.Filter):
    """Never drops a record; only redacts it. Safe to add to any handler or logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def _in_namespaces(name: str) -> bool:
    return any(name == ns or name.startswith(ns + ".") for ns in _namespaces)


def install_log_redaction(namespaces: Iterable[str] = (APP_LOGGER_NAMESPACE,)) -> None:
    """Redact every record logged under `namespaces` (idempotent; call at app start)."""
    global _factory_installed
    with _lock:
        for namespace in namespaces:
            if namespace not in _namespaces:
                _namespaces.add(namespace)
                logging.getLogger(namespace).addFilter(RedactingFilter())
        if _factory_installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs):
            record = previous(*args, **kwargs)
            if _in_namespaces(record.name):
                redact_record(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True
