"""Deliveries Mollie never sends: a seeded, reproducible corpus of malformed and hostile webhook requests,
classic and next-gen, for tests that cannot use Hypothesis (a Frappe site's test runner has no test
extras). Each case says what the endpoint must answer: `ACCEPT` (2xx), `REFUSE` (4xx) or `EITHER`
(random cases; never a 5xx)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from ..webhooks.settings import WebhookSettings
from ..webhooks.verification import signature_header

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
CAP = WebhookSettings().max_body_bytes
ACCEPT, REFUSE, EITHER = "accept", "refuse", "either"


@dataclass(frozen=True)
class HostileDelivery:
    label: str
    method: str = "POST"
    query: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    content_type: str | None = FORM
    body: bytes = b""
    expect: str = REFUSE


def _control_id(rng: random.Random) -> str:
    head = "tr_" + "".join(rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGH23456789") for _ in range(rng.randrange(1, 12)))
    junk = rng.choice(["\n", "\r\n", "\x00", "\t", "\x1b[31m", "\u202e", "\ufeff", " ", "%0a", "/../", "ü", "\U0001f4b8"])
    return rng.choice([head + junk, junk + head, head[:3] + junk + head[3:]])


def _random_bytes(rng: random.Random, size: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(size))


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _classic_cases(rng: random.Random, secret: str, payment_id: str) -> list[HostileDelivery]:
    good = {"secret": secret}
    ident = _control_id(rng)
    return [
        HostileDelivery("valid-classic", query=good, body=f"id={payment_id}".encode(), expect=ACCEPT),
        HostileDelivery("wrong-secret", query={"secret": secret[:-1] + "x"}, body=f"id={payment_id}".encode()),
        HostileDelivery("no-secret", body=f"id={payment_id}".encode()),
        HostileDelivery("secret-with-control", query={"secret": secret + "\n"}, body=f"id={payment_id}".encode()),
        HostileDelivery("huge-secret", query={"secret": "s" * 20000}, body=f"id={payment_id}".encode()),
        HostileDelivery("id-control-chars", query=good, body=b"id=" + ident.encode("utf-8", "surrogatepass")),
        HostileDelivery("id-percent-newline", query=good, body=f"id={payment_id}%0A".encode()),
        HostileDelivery("id-empty", query=good, body=b"id="),
        HostileDelivery("id-missing", query=good, body=b"resource=payment"),
        HostileDelivery("id-twice", query=good, body=f"id={payment_id}&id=tr_other".encode()),
        HostileDelivery("id-huge", query=good, body=b"id=tr_" + b"a" * 50000),
        HostileDelivery("id-unknown-prefix", query=good, body=b"id=xx_12345"),
        HostileDelivery("form-as-json", query=good, content_type=JSON, body=f"id={payment_id}".encode()),
        HostileDelivery("form-utf16", query=good, content_type=FORM + "; charset=utf-16",
                        body=f"id={payment_id}".encode("utf-16")),
        HostileDelivery("form-bogus-charset", query=good, content_type=FORM + "; charset=x-nonsense",
                        body=f"id={payment_id}".encode(), expect=EITHER),
        HostileDelivery("form-invalid-utf8", query=good, body=b"id=tr_\xff\xfe\xfd"),
        HostileDelivery("text-plain", query=good, content_type="text/plain", body=f"id={payment_id}".encode()),
        HostileDelivery("multipart", query=good, content_type="multipart/form-data; boundary=x",
                        body=b"--x\r\nContent-Disposition: form-data; name=id\r\n\r\ntr_1\r\n--x--\r\n"),
        HostileDelivery("no-content-type", query=good, content_type=None, body=f"id={payment_id}".encode()),
        HostileDelivery("garbage-content-type", query=good, content_type="\x01/\x02", body=b"id=tr_1"),
        HostileDelivery("oversized-form", query=good, body=b"id=tr_1&pad=" + b"p" * CAP),
        HostileDelivery("get", method="GET", query={**good, "id": payment_id}, content_type=None),
        HostileDelivery("put", method="PUT", query=good, body=f"id={payment_id}".encode()),
        HostileDelivery("delete", method="DELETE", query=good, content_type=None),
    ]


def _next_gen_cases(rng: random.Random, payment_id: str) -> list[HostileDelivery]:
    event = json.dumps({"resource": "event", "id": "event_hostile1", "type": "payment.paid",
                        "entityId": payment_id, "createdAt": "2025-01-01T00:00:00+00:00"}).encode()
    signed_wrong = signature_header(event, "not-the-signing-secret")
    return [
        HostileDelivery("event-unsigned", content_type=JSON, body=event),
        HostileDelivery("event-wrong-signature", content_type=JSON, body=event,
                        headers={"X-Mollie-Signature": signed_wrong}),
        HostileDelivery("event-malformed-signature", content_type=JSON, body=event,
                        headers={"X-Mollie-Signature": "sha256"}),
        HostileDelivery("event-signature-control", content_type=JSON, body=event,
                        headers={"X-Mollie-Signature": "sha256=ab\x00cd"}),
        HostileDelivery("event-other-scheme", content_type=JSON, body=event,
                        headers={"X-Mollie-Signature": "md5=00"}),
        HostileDelivery("event-huge-signature", content_type=JSON, body=event,
                        headers={"X-Mollie-Signature": "sha256=" + "0" * 9000}),
        HostileDelivery("event-malformed-json", content_type=JSON, body=b'{"resource": "event", "id": ',
                        headers={"X-Mollie-Signature": signed_wrong}),
        HostileDelivery("event-nested", content_type=JSON, body=_nested(rng.choice([2000, 20000])),
                        headers={"X-Mollie-Signature": signed_wrong}),
        HostileDelivery("event-oversized", content_type=JSON, body=b'{"pad": "' + b"p" * CAP + b'"}',
                        headers={"X-Mollie-Signature": signed_wrong}),
        HostileDelivery("event-invalid-utf8", content_type=JSON + "; charset=utf-8", body=b'{"id": "\xff\xfe"}',
                        headers={"X-Mollie-Signature": signed_wrong}),
    ]


def _random_case(rng: random.Random, index: int, secret: str, payment_id: str) -> HostileDelivery:
    query = rng.choice([{}, {"secret": secret}, {"secret": _control_id(rng)}])
    content_type = rng.choice([FORM, JSON, "text/plain", None, FORM + "; charset=latin-1", "application/octet-stream"])
    body = rng.choice([
        lambda: _random_bytes(rng, rng.randrange(0, 3000)),
        lambda: b"id=" + _control_id(rng).encode("utf-8", "surrogatepass"),
        lambda: json.dumps({"id": _control_id(rng), "entityId": payment_id}).encode(),
        lambda: _nested(rng.randrange(1, 3000)),
    ])()
    headers = rng.choice([{}, {"X-Mollie-Signature": "sha256=" + _random_bytes(rng, 32).hex()}])
    method = rng.choice(["POST"] * 8 + ["GET", "PATCH"])
    return HostileDelivery(f"random-{index}", method=method, query=query, headers=headers,
                           content_type=content_type, body=body, expect=EITHER)


def hostile_webhook_corpus(*, seed: int, secret: str, payment_id: str, count: int = 100) -> list[HostileDelivery]:
    """The fixed cases, then random ones up to `count` in all; the same seed gives the same corpus."""
    rng = random.Random(seed)
    cases = _classic_cases(rng, secret, payment_id) + _next_gen_cases(rng, payment_id)
    cases += [_random_case(rng, i, secret, payment_id) for i in range(max(0, count - len(cases)))]
    return cases
