"""Redaction of log records for the app's logger namespace, installed once at app start.

A logger's filters do not apply to records of its child loggers, so installing a Filter on
"verenigingen" alone would miss "verenigingen.verenigingen_payments.clients". The installer
therefore wraps `logging.Logger.makeRecord`: every record of the namespaces is redacted as it is
made, `extra=` fields included, whatever handler (Frappe's, a file, Sentry) later writes it.
`RedactingFilter` is for handlers or foreign loggers (werkzeug access logs carry query strings).
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
_make_record_wrapped = False


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
    global _make_record_wrapped
    with _lock:
        _namespaces.update(namespaces)
        if _make_record_wrapped:
            return
        original = logging.Logger.makeRecord

        def make_record(self, name, *args, **kwargs):
            record = original(self, name, *args, **kwargs)
            if _in_namespaces(name):
                redact_record(record)
            return record

        logging.Logger.makeRecord = make_record
        _make_record_wrapped = True
