"""What a value arriving at one of the app's doors may hold, declared once for every door.

The doors: the webhook endpoints (classic and next-gen, standalone and in a site), the main job's
arguments (`cli/cycle_arguments.py`), the `bench … mollie` commands (`commands/checks.py`) and the
whitelisted endpoints (`core/endpoint_arguments.py`). Each checks its input
against these limits before anything is stored, so a value never reaches SQLite or MariaDB unless
it fits the narrowest column that keeps it (store/sql/tables/webhooks.py, the DocTypes) and both
stores give the same answer to every input. Shapes are matched whole (`fullmatch`): `$` would let a
trailing newline through.
"""

from __future__ import annotations

import re
import reprlib
from datetime import date, datetime, timedelta

from .errors import InvalidInput

# -- webhook bodies ------------------------------------------------------------------------------
MAX_BODY_BYTES = 64 * 1024  # Mollie's classic form is ~20 bytes, a next-gen event a few KB
MAX_JSON_DEPTH = 32  # Mollie's events nest 4 levels; the parser itself gives up near 1000
MAX_EVENT_AGE = timedelta(hours=48)  # must exceed Mollie's 26-hour retry span (it keeps createdAt)
MAX_CLOCK_SKEW = timedelta(minutes=5)  # how far an event's createdAt may lie ahead of our clock

# -- identifiers (widths are the log's columns: webhook_id/resource_id/parent_id 100, event_type 64)
MOLLIE_ID = re.compile(r"([a-z]{2,5})_[A-Za-z0-9]{1,64}")
CUSTOMER_ID = re.compile(r"cst_[A-Za-z0-9]{1,64}")
EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
EVENT_TYPE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_CLIENT_IP = 64
WEBHOOK_LOG_ID = re.compile(r"[0-9a-f]{32}")  # a Mollie Webhook Log row: uuid4().hex, given by ingest

# -- credentials and seeds given on a command line -------------------------------------------------
API_KEY = re.compile(r"(live|test)_[A-Za-z0-9]+")
ORGANIZATION_TOKEN = re.compile(r"access_[A-Za-z0-9_]+")
HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/%-]*)?", re.ASCII)
MAX_SEED = 2**31 - 1

# -- text typed by people: no control character (C0, DEL, C1) and no lone surrogate, which a JSON
# body can carry ("\ud800") and no database driver can encode ----------------------------------
_TEXT = "\\x00-\\x1f\\x7f-\\x9f\\ud800-\\udfff"
RECORD_NAME = re.compile(rf"[^{_TEXT}]{{1,140}}")  # Frappe names are at most 140 characters
MEMBER_REFERENCE = re.compile(rf"[^\s{_TEXT}][^{_TEXT}]{{0,139}}")
MAX_NOTE_CHARS = 2000
NOTE = re.compile(rf"(?:[^{_TEXT}]|[\t\n\r]){{1,{MAX_NOTE_CHARS}}}")  # lines and tabs allowed
FIELD_NAME = re.compile(r"[a-z][a-z_]{0,63}", re.ASCII)  # a field of a record (a drift report names one)
GDPR_EXPORT_ID = re.compile(r"gdpr[a-z]{28}", re.ASCII)  # no digits: see frappe_integration/gdpr/export_files
PAYMENT_METHOD = re.compile(r"[a-z]{2,32}", re.ASCII)  # ideal, creditcard, banktransfer, …
REDIRECT_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?([/?#][!-~]{0,2000})?", re.ASCII)
ACCESS_TOKEN = re.compile(r"[!-~]{1,256}", re.ASCII)  # a token given on a request (the metrics token)
WHOLE_NUMBER = re.compile(r"\d{1,9}", re.ASCII)
FILE_URL = re.compile(rf"/(private/)?files/[^{_TEXT}]{{1,255}}")  # a File's URL on the site
IBAN = re.compile(r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}", re.ASCII)  # as a bank prints it, spaces allowed
MAX_STATEMENT_CHARS = 10 * 1024 * 1024  # a bank statement sent as text (CAMT.053 XML or MT940)
STATEMENT_TEXT = re.compile(rf"(?:[^{_TEXT}]|[\t\n\r]){{1,{MAX_STATEMENT_CHARS}}}")
MAX_FILTERS_CHARS = MAX_NOTE_CHARS  # a number card's filters (JSON), which the app's cards do not use

# -- days (a reconciliation period, a sync start) ---------------------------------------------
FIRST_DAY = date(2000, 1, 1)  # before Mollie existed
LAST_DAY = date(2100, 1, 1)
DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
MOMENT_SHAPE = re.compile(r"(\d{4}-\d{2}-\d{2})( \d{2}:\d{2}(:\d{2})?)?", re.ASCII)

MAX_ECHOED = 40  # characters of a refused value quoted back in a message


def matches(shape: re.Pattern, value: object) -> bool:
    """Whether `value` is a string of `shape`, as a whole."""
    return isinstance(value, str) and shape.fullmatch(value) is not None


def require(shape: re.Pattern, value: object, field: str, what: str) -> str:
    """`value` if it is of `shape`; InvalidInput naming `field` otherwise."""
    if not matches(shape, value):
        raise InvalidInput(f"{field}: {echo(value)} is not {what}", field=field)
    return value


_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel, _SHORT_REPR.maxstring, _SHORT_REPR.maxother = 2, MAX_ECHOED, MAX_ECHOED


def echo(value: object) -> str:
    """`value` as quoted back in a refusal: repr'd (no control character survives), cut short; a
    structure nested too deep or a number too long to print is named by its type."""
    try:
        text = repr(value) if isinstance(value, str) else _SHORT_REPR.repr(value)
    except (RecursionError, ValueError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= MAX_ECHOED else text[: MAX_ECHOED - 1] + "…"


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON `text` opens more than `limit` arrays/objects inside each other.

    Read without parsing (brackets inside strings do not count), so a body nested far deeper than
    the parser's recursion limit is measured, not crashed on.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def outside_window(
    created_at: datetime, now: datetime, max_age: timedelta = MAX_EVENT_AGE, skew: timedelta = MAX_CLOCK_SKEW
) -> str | None:
    """"too_old" or "in_future" when `created_at` lies outside [now - max_age, now + skew] (edges inside)."""
    if now - created_at > max_age:
        return "too_old"
    if created_at - now > skew:
        return "in_future"
    return None


def parse_day(value: str, field: str) -> date:
    """A `YYYY-MM-DD` day between FIRST_DAY and LAST_DAY; InvalidInput naming `field` otherwise."""
    if not matches(DATE_SHAPE, value):
        raise InvalidInput(f"{field}: {echo(value)} is not a date (YYYY-MM-DD)", field=field)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{field}: {echo(value)} is not a date (YYYY-MM-DD)", field=field) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{field}: {day} is outside {FIRST_DAY} – {LAST_DAY}", field=field)
    return day


def parse_moment(value: str, field: str) -> datetime:
    """`YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]` (no zone: the caller says whose clock), its day within
    FIRST_DAY – LAST_DAY; InvalidInput naming `field` otherwise."""
    match = MOMENT_SHAPE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidInput(f"{field}: {echo(value)} is not YYYY-MM-DD or YYYY-MM-DD HH:MM", field=field)
    parse_day(match.group(1), field)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{field}: {echo(value)} is not a time of day that exists", field=field) from None


def require_period(start: date, end: date, from_field: str = "--from", until_field: str = "--until") -> None:
    """`end` (exclusive) must come after `start`."""
    if end <= start:
        raise InvalidInput(f"{until_field} ({end}) must be after {from_field} ({start}); it is exclusive",
                           field=until_field)
