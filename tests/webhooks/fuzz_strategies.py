"""Hypothesis strategies for requests to the webhook endpoint: classic form posts, signed next-gen
events and arbitrary junk. Each draws a `FuzzRequest` and says whether it is a valid delivery."""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote_from_bytes, urlencode

from hypothesis import strategies as st

from verenigingen.verenigingen_payments.webhooks.resource_ids import RESOURCE_TYPES_BY_PREFIX
from verenigingen.verenigingen_payments.webhooks.settings import WebhookSettings
from verenigingen.verenigingen_payments.webhooks.verification import signature_header

from .conftest import CLASSIC_SECRET, SIGNING_SECRET

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
MAX_BODY = WebhookSettings().max_body_bytes  # the production cap: 64 KiB
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)
ALNUM = string.ascii_letters + string.digits
EVENT_TYPES = ("payment.paid", "payment.failed", "refund.settled", "payment-link.paid", "webhook.ping",
               "sales-invoice.created", "balance-transaction.created")
SURROGATES = ("\ud800", "\udfff", "tr_\udc80")
ODD_CHARS = ("\n", "\r\n", "\x00", " ", "\t", "\u2028", "\u202e", "ß", "١", "\U0001f600", "%0A", "/", "..",
             "?")


@dataclass(frozen=True)
class FuzzRequest:
    method: str
    content_type: str | None
    body: bytes
    query_string: bytes = b""
    headers: dict = field(default_factory=dict)
    valid: bool = False  # a delivery Mollie could send: it must get 200
    client_ip: str = "127.0.0.1"  # as the framework tells it (inside Frappe: X-Forwarded-For's first entry)


def latin1_text(max_size: int):
    """What an HTTP header value can carry."""
    characters = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
    return st.text(characters, max_size=max_size)


def mostly(usual, unusual, odds: int = 6):
    """`usual` about `odds` times as often as `unusual` (and shrinking towards `usual`)."""
    return st.integers(0, odds).flatmap(lambda n: usual if n < odds else unusual)


ascii_tail = st.text(ALNUM, min_size=1, max_size=64)
NO_IDS = st.nothing()
valid_ids = st.builds(lambda prefix, tail: f"{prefix}_{tail}",
                      st.sampled_from(sorted(RESOURCE_TYPES_BY_PREFIX)), ascii_tail)
nasty_text = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(codec="latin-1"), max_size=30),
    st.sampled_from(ODD_CHARS + SURROGATES),
)
odd_ids = st.one_of(
    st.builds(lambda good, odd, at_end: good + odd if at_end else odd + good, valid_ids,
              st.sampled_from(ODD_CHARS), st.booleans()),
    st.builds(lambda prefix, tail: f"{prefix}_{tail}",
              st.text(string.ascii_lowercase, min_size=1, max_size=8), st.one_of(ascii_tail, nasty_text)),
    st.just("tr_" + "a" * 65),
    nasty_text,
)
resource_ids = st.one_of(valid_ids, odd_ids)
form_content_types = st.sampled_from(
    (FORM, f"{FORM}; charset=utf-8", "Application/X-WWW-Form-Urlencoded", f"{FORM};charset=ISO-8859-1",
     f" {FORM} ; boundary=x"))
json_content_types = st.sampled_from(
    (JSON, f"{JSON}; charset=utf-8", "Application/JSON", f"{JSON}; charset=utf-16", f"{JSON};;;"))
other_content_types = st.one_of(
    st.none(),
    st.sampled_from(("text/plain", "multipart/form-data; boundary=x", "application/jsonx", "application/*",
                     "", "application/x-www-form-urlencoded-x", "application/json-patch+json")),
    latin1_text(40),
)
methods = mostly(st.just("POST"), st.sampled_from(("GET", "PUT", "PATCH", "DELETE", "OPTIONS")), odds=8)


def _quoted(text: str) -> str:
    return quote_from_bytes(text.encode("utf-8", "surrogatepass"))


secret_queries = mostly(st.just(("secret=" + CLASSIC_SECRET, True)), st.one_of(
    st.just(("", False)),
    st.builds(lambda text: ("secret=" + _quoted(text), text == CLASSIC_SECRET), nasty_text),
    st.builds(lambda odd: ("secret=" + _quoted(CLASSIC_SECRET + odd), False), st.sampled_from(ODD_CHARS)),
    st.just((f"secret=wrong&secret={CLASSIC_SECRET}", False)),
    st.just((f"secret={CLASSIC_SECRET}&secret=wrong", True)),
    st.builds(lambda raw: (quote_from_bytes(raw, safe="=&%"), False), st.binary(max_size=60)),
), odds=3)


@st.composite
def classic_requests(draw, known_ids=NO_IDS) -> FuzzRequest:
    """`known_ids`: ids the emulator knows, so that some deliveries are really processed."""
    query, secret_ok = draw(secret_queries)
    resource_id = draw(st.one_of(known_ids, resource_ids))
    form_body = urlencode({"id": resource_id.encode("utf-8", "surrogatepass")}).encode()
    body = draw(mostly(st.just(form_body), st.one_of(
        st.builds(lambda extra: form_body + b"&" + urlencode(extra).encode(), st.dictionaries(
            st.text(ALNUM + "_[]", min_size=1, max_size=8), st.text(max_size=20), max_size=3)),
        st.builds(lambda other: form_body + b"&id=" + quote_from_bytes(other.encode()).encode(), valid_ids),
        st.builds(lambda raw: b"id=" + raw, st.binary(max_size=80)),
        st.binary(max_size=200),
        st.builds(lambda n: form_body + b"&pad=" + b"a" * n, st.integers(MAX_BODY - 100, 3 * MAX_BODY)),
    ), odds=2))
    content_type = draw(mostly(form_content_types, st.one_of(json_content_types, other_content_types)))
    method = draw(methods)
    valid = (method == "POST" and content_type in (FORM, f"{FORM}; charset=utf-8") and secret_ok
             and body == form_body and _is_id(resource_id, RESOURCE_TYPES_BY_PREFIX))
    return FuzzRequest(method, content_type, body, query.encode(), {}, valid)


def _is_id(value: str, prefixes=None) -> bool:
    """Mollie's id shape, written out here independently of the code under test."""
    prefix, sep, tail = value.partition("_")
    prefix_ok = prefix in prefixes if prefixes is not None else (
        2 <= len(prefix) <= 5 and all(c in string.ascii_lowercase for c in prefix))
    return bool(sep) and prefix_ok and 1 <= len(tail) <= 64 and all(c in ALNUM for c in tail)


json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text)
json_values = st.recursive(json_leaves, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=12)

valid_event_ids = st.builds(lambda tail: "event_" + tail, st.text(ALNUM, min_size=1, max_size=30))
recent_timestamps = st.builds(lambda minutes: (NOW - timedelta(minutes=minutes)).isoformat(),
                              st.integers(0, 60 * 24))
timestamps = st.one_of(
    st.builds(lambda moment: moment.isoformat(),
              st.datetimes(timezones=st.sampled_from(
                  [timezone.utc, timezone(timedelta(hours=-23, minutes=-59)), timezone(timedelta(hours=14))]))),
    st.sampled_from(("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "2026-03-02T12:00:00",
                     "2026-02-30T00:00:00Z", "2026-03-02T24:00:00Z", "+2026-03-02", "2026-W10-1T00:00Z",
                     "2026-03-02T12:00:00+25:00", "2026-03-02T12:00:00.1234567890123Z")),
    st.one_of(nasty_text, json_values),
)


@st.composite
def events(draw, known_entities=NO_IDS) -> tuple[dict, bool]:
    """An event as a dict, and whether it is one Mollie could send (well formed, recent).

    `known_entities`: (id, parent id or None) the emulator knows, so that some events are processed.
    """
    known = draw(st.one_of(st.none(), known_entities))
    event_id, id_ok = draw(mostly(st.tuples(valid_event_ids, st.just(True)),
                                  st.one_of(st.tuples(st.one_of(nasty_text, json_values), st.just(False)),
                                            st.tuples(st.just("event_" + "x" * 150), st.just(False)))))
    event_type, type_ok = draw(mostly(st.tuples(st.sampled_from(EVENT_TYPES), st.just(True)),
                                      st.tuples(st.one_of(nasty_text, json_values), st.just(False))))
    entity_id, entity_ok = draw(st.one_of(st.tuples(valid_ids, st.just(True)),
                                          st.tuples(st.one_of(odd_ids, json_values), st.just(False))))
    if known is not None:
        entity_id, entity_ok = known[0], True
    created_at = draw(mostly(recent_timestamps, timestamps, odds=2))
    event = {"resource": "event", "id": event_id, "type": event_type, "entityId": entity_id,
             "createdAt": created_at}
    embedded = draw(st.one_of(
        st.none(),
        st.builds(lambda key, parent: {"entity": {key: parent}}, st.sampled_from(("paymentId", "customerId")),
                  st.one_of(valid_ids, odd_ids, st.just("tr_" + "p" * 90), json_values)),
        json_values,
    ))
    if known is not None and known[1] is not None:
        embedded = {"entity": {"paymentId": known[1]}}
    if embedded is not None:
        event["_embedded"] = embedded
    event.update(draw(st.dictionaries(st.text(max_size=8), json_values, max_size=3)))
    addressed = (entity_ok and event["entityId"] == entity_id and _recent(event["createdAt"])
                 and _plain_parent(event))
    well_formed = (id_ok and type_ok and event["id"] == event_id and event["type"] == event_type
                   and (event_type == "webhook.ping" or addressed))
    return event, well_formed


def _recent(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return moment.tzinfo is not None and timedelta(0) <= NOW - moment <= timedelta(hours=24)


def _plain_parent(event: dict) -> bool:
    embedded = event.get("_embedded")
    entity = embedded.get("entity") if isinstance(embedded, dict) else None
    if not isinstance(entity, dict):
        return True
    parents = [entity.get(k) for k in ("paymentId", "customerId")]
    return all(p is None or (isinstance(p, str) and (p == "" or _is_id(p))) for p in parents)


def _encode(event: dict, how: str) -> bytes:
    if how == "ascii":
        return json.dumps(event).encode()
    text = json.dumps(event, ensure_ascii=False)
    return text.encode("utf-8", "surrogatepass") if how == "utf-8" else text.encode(how, "surrogatepass")


def nesting_depths(bytes_per_level: int):
    """Shallow, or far deeper than json's recursion limit while still under the body cap."""
    deepest = (MAX_BODY - 400) // bytes_per_level
    return st.one_of(st.integers(1, 40), st.integers(deepest // 2, deepest))


@st.composite
def event_bodies(draw, known_entities=NO_IDS) -> tuple[bytes, bool]:
    """An event encoded as JSON in some charset, and whether Mollie could have sent it."""
    event, well_formed = draw(events(known_entities))
    how = draw(mostly(st.just("ascii"), st.sampled_from(("utf-8", "utf-16", "utf-32")), odds=2))
    body = _encode(event, how)
    return body, well_formed and how in ("ascii", "utf-8") and len(body) <= MAX_BODY


@st.composite
def hostile_bodies(draw) -> tuple[bytes, bool]:
    """Bodies no parser should choke on: deeply nested, oversized, truncated, not JSON at all."""
    body, _ = draw(event_bodies())
    hostile = draw(st.one_of(
        st.builds(lambda depth: b"[" * depth + body + b"]" * depth, nesting_depths(2)),
        st.builds(lambda depth: b'{"a":' * depth + body + b"}" * depth, nesting_depths(6)),
        st.builds(lambda depth: b'{"id":"event_1","x":' + b"[" * depth, nesting_depths(1)),
        st.builds(lambda n: body[:-1] + b', "pad": "' + b"x" * n + b'"}',
                  st.integers(MAX_BODY - 400, 3 * MAX_BODY)),
        st.builds(lambda cut: body[:cut], st.integers(0, max(len(body) - 1, 0))),
        st.binary(max_size=300),
    ))
    return hostile, False


@st.composite
def signatures(draw, body: bytes) -> tuple[str | None, bool]:
    good = signature_header(body, SIGNING_SECRET)
    return draw(mostly(st.just((good, True)), st.one_of(
        st.just((good.upper().replace("SHA256", "sha256"), True)),
        st.just((f"v1=abc, {good}", True)),
        st.just((signature_header(body, "not-our-secret"), False)),
        st.just((None, False)),
        st.builds(lambda junk: (junk, False), latin1_text(80)),
        st.just((good[:-1], False)), st.just(("sha256=", False)), st.just(("md5=" + good[7:], False)),
    ), odds=3))


@st.composite
def next_gen_requests(draw, bodies) -> FuzzRequest:
    """A next-gen delivery of one of `bodies` (`event_bodies(known)` or `hostile_bodies()`), mostly signed."""
    body, body_ok = draw(bodies)
    signature, signature_ok = draw(signatures(body))
    content_type = draw(mostly(json_content_types, st.one_of(form_content_types, other_content_types)))
    method = draw(methods)
    headers = {"X-Mollie-Signature": signature} if signature is not None else {}
    valid = method == "POST" and content_type in (JSON, f"{JSON}; charset=utf-8") and signature_ok and body_ok
    return FuzzRequest(method, content_type, body, b"", headers, valid)


@st.composite
def junk_requests(draw) -> FuzzRequest:
    names = st.text(ALNUM + "-", min_size=1, max_size=20)
    headers = draw(st.dictionaries(names, latin1_text(60), max_size=4))
    if draw(st.booleans()):
        headers["X-Mollie-Signature"] = draw(latin1_text(80))
    return FuzzRequest(
        method=draw(st.one_of(methods, st.text(string.ascii_uppercase, min_size=1, max_size=8))),
        content_type=draw(st.one_of(form_content_types, json_content_types, other_content_types)),
        body=draw(st.one_of(st.binary(max_size=400), st.builds(bytes, st.integers(MAX_BODY, 2 * MAX_BODY)))),
        query_string=draw(st.one_of(st.binary(max_size=80).map(lambda raw: quote_from_bytes(raw, "=&").encode()),
                                    st.binary(max_size=40))),
        headers=headers,
        client_ip=draw(st.one_of(st.ip_addresses().map(str), latin1_text(60),
                                 st.text(min_size=60, max_size=200), st.sampled_from(SURROGATES))),
    )
